import type { FaultEntry } from "../../chaos/plan.js";
import type { Entry, EntryFault } from "../../scenarios/profiles/compile.js";

/** The most a journey waits before retrying a refused request (the scenarios' retry wait cap, in seconds). */
const retryWaitCapS = 2;

/** How long a fault may hold one request: its latency, the retry wait after a refusal, or the request timeout. */
export const perRequestHoldS = (f: FaultEntry, requestTimeoutS: number): number => {
  const p = f.params as { latencyMs?: number; jitterMs?: number; of?: string; toMs?: number };
  switch (f.kind) {
    case "latency":
      return ((p.latencyMs ?? 0) + (p.jitterMs ?? 0)) / 1000;
    case "ramp":
      return p.of === "latency" ? ((p.toMs ?? 0) + (p.jitterMs ?? 0)) / 1000 : requestTimeoutS;
    case "outage":
    case "reset-peer":
    case "flapping":
      return retryWaitCapS;
    default:
      return requestTimeoutS;
  }
};

/** On the mock, the links behind the gateway whose faults hold the requests of each entry's scenarios. */
const innerLinkEntries: Readonly<Record<string, readonly Entry[]>> = {
  "gateway-identity": ["citizen"],
  "gateway-population": ["citizen"],
  "gateway-payment": ["citizen"],
  "gateway-dossier-primary": ["citizen", "officer"],
  "gateway-documents": ["officer"],
  "gateway-reporting": ["officer"],
  "gateway-meetings": ["officer"],
};

/**
 * The entries whose requests a link's fault holds: the citizens' scenarios on the citizens' link, the officers'
 * on theirs, and on the mock the scenarios that call through a link behind the gateway; a URL target is reached
 * only through the citizens' link, which the officers' scenarios then share. Their usual pools are sized for a
 * healthy portal, so a fault that holds requests (a blackhole until the request timeout, a slow link) needs
 * more VUs for the open model to hold its schedule.
 */
const entriesOf = (link: string, targetKind: "mock" | "url"): readonly Entry[] => {
  if (link === "citizen-gateway") return targetKind === "url" ? ["citizen", "officer"] : ["citizen"];
  if (link === "officer-gateway") return ["officer"];
  return targetKind === "mock" ? (innerLinkEntries[link] ?? []) : [];
};

/** The fault plan's faults on the links scenarios send through, for sizing their VU pools. */
export const entryFaults = (
  faults: readonly FaultEntry[],
  targetKind: "mock" | "url",
  requestTimeoutS: number,
): EntryFault[] =>
  faults.flatMap((f) =>
    entriesOf(f.link, targetKind).map((entry) => ({
      entry,
      perRequestS: perRequestHoldS(f, requestTimeoutS),
      durationS: f.durationS,
    })),
  );
