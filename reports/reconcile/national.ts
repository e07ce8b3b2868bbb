import { z } from "zod";
import { type Lookups, type PollOptions, pollUntilSettled } from "./lookup.js";

/** Whether every acknowledged dossier reached the national portal in its latest status, within the limit. */
export const NationalSync = z.object({
  /** Dossiers checked: those found by code, whose latest status is known. */
  checked: z.number().int(),
  synced: z.number().int(),
  /** Not at the national portal when the limit passed. */
  missing: z.number().int(),
  /** At the national portal, but in an older status than the portal's own. */
  stale: z.number().int(),
  lookupErrors: z.number().int(),
  drainWithinS: z.number(),
  /** Until when reconciliation waited: the limit after the last fault ended (or the last acknowledgement). */
  deadlineAt: z.string(),
  rounds: z.number().int(),
  examples: z.object({ missing: z.array(z.string()), stale: z.array(z.string()) }),
  /** Set when the target does not answer the contract's nationalDossier lookup at all. */
  notExposed: z.string().optional(),
});
export type NationalSync = z.infer<typeof NationalSync>;

type View = { kind: "synced" | "stale" | "missing" | "error" | "absent"; status?: number };

const viewOf = async (lookups: Lookups, base: string, code: string, latest: number): Promise<View> => {
  const r = await lookups.get(`${base}/api/v1/sync/dossiers/${encodeURIComponent(code)}`);
  if (r.kind === "missing") return { kind: "absent" };
  if (r.kind === "error") return { kind: "error" };
  const v = r.body as { found?: unknown; status?: unknown };
  if (v.found !== true) return { kind: "missing" };
  const status = typeof v.status === "number" ? v.status : undefined;
  return status === latest ? { kind: "synced", status } : { kind: "stale", ...(status ? { status } : {}) };
};

/**
 * Asks the portal's nationalDossier lookup about every dossier found by code, round after round, until each is
 * at the national portal in its latest status or the deadline passes; what is left is missing or stale, named.
 */
export const reconcileNational = async (
  latest: ReadonlyMap<string, number>,
  lookups: Lookups,
  o: PollOptions & { baseUrl: string; drainWithinS: number; maxExamples?: number },
): Promise<NationalSync> => {
  const base = o.baseUrl.replace(/\/$/, "");
  const last = new Map<string, View>();
  const { rounds } = await pollUntilSettled(
    [...latest.entries()],
    async ([code, status]) => {
      const view = await viewOf(lookups, base, code, status);
      last.set(code, view);
      return view.kind === "synced" || view.kind === "absent";
    },
    o,
  );
  const views = [...last.values()];
  const absent = views.filter((v) => v.kind === "absent").length;
  const notExposed = absent > 0 && absent === latest.size;
  // A 404 for some dossiers while others are answered: the lookup exists, and those dossiers are not there.
  const kindOf = (v: View | undefined) => (v?.kind === "absent" && !notExposed ? "missing" : v?.kind);
  const count = (kind: View["kind"]) => views.filter((v) => kindOf(v) === kind).length;
  const maxExamples = o.maxExamples ?? 10;
  const named = (kind: View["kind"]) =>
    [...latest.entries()]
      .filter(([code]) => kindOf(last.get(code)) === kind)
      .slice(0, maxExamples)
      .map(([code, status]) =>
        kind === "stale"
          ? `${code} (national ${last.get(code)?.status ?? "no status"}, portal ${status})`
          : code,
      );
  return {
    checked: latest.size,
    synced: count("synced"),
    missing: count("missing"),
    stale: count("stale"),
    lookupErrors: count("error"),
    drainWithinS: o.drainWithinS,
    deadlineAt: new Date(o.deadline).toISOString(),
    rounds,
    examples: { missing: named("missing"), stale: named("stale") },
    ...(notExposed
      ? { notExposed: "the target answers 404 to the nationalDossier lookup (/api/v1/sync/dossiers/{code})" }
      : {}),
  };
};
