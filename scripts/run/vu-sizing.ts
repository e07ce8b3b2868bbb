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

/**
 * The entries a link holds beyond its own: on the mock, citizens and officers each have their own link, whose
 * faults the default pools already allow for; a URL target is reached only through the citizens' link, which
 * the officers' scenarios then share, so its faults hold officers too.
 */
const sharedEntriesOf = (link: string, targetKind: "mock" | "url"): Entry[] =>
  link === "citizen-gateway" && targetKind === "url" ? ["officer"] : [];

/** The fault plan's faults on links that scenarios share with others, for sizing their VU pools. */
export const entryFaults = (
  faults: readonly FaultEntry[],
  targetKind: "mock" | "url",
  requestTimeoutS: number,
): EntryFault[] =>
  faults.flatMap((f) =>
    sharedEntriesOf(f.link, targetKind).map((entry) => ({
      entry,
      perRequestS: perRequestHoldS(f, requestTimeoutS),
      durationS: f.durationS,
    })),
  );
