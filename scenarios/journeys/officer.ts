import { check } from "k6";
import exec from "k6/execution";
import type { Rng } from "../../kernel/pure/rng.js";
import { dossiersProcessed, officerQueueEmpty } from "../lib/metrics.js";
import { defaultJourneys, type K6Plan } from "../lib/plan.js";
import { jsonBody, type PortalClient, portalClient, type StepTags } from "../lib/portal-client.js";
import { isRetryable, withRetries } from "../lib/retry.js";
import { submissionKey, vuRng } from "../lib/vu.js";

/*
 * How officers find work. The contract has no queue listing: an officer can look a dossier up by code or by
 * the idempotency key it was submitted with, nothing else. Of the options that leaves, this is the closest to
 * an agency's intake register worked in order: the n-th officer iteration takes the n-th citizen submission of
 * the run (its key is known: `submissionKey`), `pickUpAfterS` after it was made (the officer scenario starts
 * that much later with the same rate curve). The alternatives were worse: officers submitting their own
 * dossiers would leave every citizen's dossier untouched (and stuck), and walking codes by counter would
 * mostly hit 404s. A portal with a real work-queue operation would let the journey use it instead.
 */

interface Found {
  code: string;
  status: number;
  agencyCode: string;
}

const provinceOf = (agencyCode: string): string => /\.(H\d{2})$/.exec(agencyCode)?.[1] ?? "—";

/** An officer of the receiving agency (intake) and the leader who signs, stable per VU. */
const officers = (rng: Rng): { clerk: string; leader: string } => ({
  clerk: `CB-${rng.int(1, 500_000)}`,
  leader: `CB-${rng.int(500_000, 1_000_000)}`,
});

/**
 * One move along the status graph. The portal does not retry officer moves (a repeated move could land on
 * the new status and be refused), so neither is this blindly: after a transport failure or shedding the
 * dossier is read back and the move repeated only if it did not happen.
 */
export const move = async (
  client: PortalClient,
  d: Found,
  toStatus: number,
  officerId: string,
  tags: StepTags,
  note?: string,
): Promise<boolean> => {
  const send = () =>
    client.post(
      `/api/v1/dossiers/${d.code}/transitions`,
      { toStatus, officerId, ...(note ? { note } : {}) },
      {},
      tags,
      "POST /api/v1/dossiers/{code}/transitions",
    );
  let res = await send();
  if (isRetryable(res)) {
    const { res: read } = await withRetries(
      () => client.get(`/api/v1/dossiers/${d.code}`, tags, "GET /api/v1/dossiers/{code}"),
      { attempts: 2, tags },
    );
    const now = jsonBody<{ status?: number }>(read)?.status;
    if (read.status === 200 && now === toStatus) {
      d.status = toStatus;
      return true;
    }
    if (read.status === 200 && now === d.status) res = await send();
  }
  const ok = check(res, { "legal move accepted": (r) => r.status === 200 }, tags);
  if (ok) d.status = toStatus;
  return ok;
};

/** Draft the decision in document management, forward it to the leader, who signs it. */
const signDecision = async (
  client: PortalClient,
  d: Found,
  o: { clerk: string; leader: string },
  tags: StepTags,
): Promise<boolean> => {
  const t: StepTags = { ...tags, step: "documents" };
  const drafted = await client.post(
    "/api/v1/documents",
    { dossierCode: d.code, title: `Quyết định giải quyết hồ sơ ${d.code}`, officerId: o.clerk },
    {},
    t,
    "POST /api/v1/documents",
  );
  const id = jsonBody<{ id?: string }>(drafted)?.id;
  if (!check(drafted, { "document drafted": (r) => r.status === 201 && !!id }, t) || !id) return false;
  const forwarded = await client.post(
    `/api/v1/documents/${id}/forward`,
    { fromOfficerId: o.clerk, toOfficerId: o.leader },
    {},
    t,
    "POST /api/v1/documents/{id}/forward",
  );
  if (!check(forwarded, { "document forwarded": (r) => r.status === 200 }, t)) return false;
  const signed = await client.post(
    `/api/v1/documents/${id}/sign`,
    { officerId: o.leader },
    {},
    t,
    "POST /api/v1/documents/{id}/sign",
  );
  return check(signed, { "document signed": (r) => r.status === 200 }, t);
};

/**
 * Dossiers an officer could not move on (the portal shed or failed the move): a real officer comes back to
 * them, so they wait here and a later iteration of this worker (of this VU, on k6) resumes them. Bounded.
 */
const comeBackTo: Array<{ d: Found; at: number }> = [];
const comeBackAfterMs = 5000;
const comeBackMax = 1000;

const later = (d: Found): void => {
  if (comeBackTo.length < comeBackMax) comeBackTo.push({ d, at: Date.now() + comeBackAfterMs });
};

/** What is left to do from each status a worked dossier can be left at (resumed work skips the extras). */
const remaining: Readonly<Record<number, readonly number[]>> = {
  2: [4, 9, 10],
  4: [9, 10],
  5: [4, 9, 10],
  9: [10],
};

/** Resumes one dossier left behind whose time has come: reads its status back, then works it to the end. */
const resumeOne = async (client: PortalClient, o: { clerk: string }, findTags: StepTags): Promise<void> => {
  const i = comeBackTo.findIndex((w) => w.at <= Date.now());
  const due = i < 0 ? undefined : comeBackTo.splice(i, 1)[0];
  if (!due) return;
  const tags: StepTags = { ...findTags, province: provinceOf(due.d.agencyCode) };
  const read = await client.get(`/api/v1/dossiers/${due.d.code}`, tags, "GET /api/v1/dossiers/{code}");
  const status = jsonBody<{ status?: number }>(read)?.status;
  if (read.status !== 200 || status === undefined) return later(due.d);
  const d: Found = { ...due.d, status };
  for (const to of remaining[status] ?? []) if (!(await move(client, d, to, o.clerk, tags))) return later(d);
  if ((remaining[status] ?? []).length > 0) dossiersProcessed.add(1, tags);
};

/**
 * An officer takes the next dossier from the intake queue and works it to a final status: accept (or refuse
 * at intake), process, sometimes request more documents (which arrive), have the decision signed, finish and
 * return the result. Short iterations with no think time, so VU counts stay bounded at any rate.
 */
const officerSettings = (plan: K6Plan) => (plan.journeys ?? defaultJourneys).officer;

export const processNext = async (plan: K6Plan): Promise<void> => {
  const settings = officerSettings(plan);
  if (!settings) return;
  const rng = vuRng(plan, "officer");
  const client = portalClient(plan.officerUrl ?? plan.baseUrl, plan.requestTimeoutS);
  const o = officers(rng);
  const n = Math.floor(exec.scenario.iterationInTest / Math.max(settings.dossierShare, 1e-9));
  const key = submissionKey(plan.runId, n);
  const findTags: StepTags = { journey: "officer", step: "officer", province: "—" };
  await resumeOne(client, o, findTags);
  const { res } = await withRetries(
    () =>
      client.get(
        `/api/v1/dossiers?idempotencyKey=${encodeURIComponent(key)}`,
        findTags,
        "GET /api/v1/dossiers?idempotencyKey",
      ),
    { attempts: 2, tags: findTags },
  );
  if (!check(res, { "queue read": (r) => r.status === 200 }, findTags)) return;
  const first = jsonBody<{ items?: Found[] }>(res)?.items?.[0];
  if (!first) {
    // The submission was never acknowledged (or not yet): nothing to take.
    officerQueueEmpty.add(1, findTags);
    return;
  }
  const d: Found = { code: first.code, status: first.status, agencyCode: first.agencyCode };
  const tags: StepTags = { ...findTags, province: provinceOf(d.agencyCode) };
  if (d.status !== 1) return; // already taken
  if (!(await workNew(client, d, o, tags, { settings, rng }))) later(d);
};

/** Works a dossier just taken from intake to a final status; false when a step failed and it was left. */
const workNew = async (
  client: PortalClient,
  d: Found,
  o: { clerk: string; leader: string },
  tags: StepTags,
  x: { settings: NonNullable<ReturnType<typeof officerSettings>>; rng: Rng },
): Promise<boolean> => {
  const { settings, rng } = x;
  if (rng.next() < settings.rejectShare) {
    if (!(await move(client, d, 3, o.clerk, tags, "hồ sơ không hợp lệ"))) return false;
    dossiersProcessed.add(1, tags);
    return true;
  }
  if (!(await move(client, d, 2, o.clerk, tags)) || !(await move(client, d, 4, o.clerk, tags))) return false;
  if (rng.next() < settings.moreDocumentsShare) {
    if (!(await move(client, d, 5, o.clerk, tags, "yêu cầu bổ sung giấy tờ"))) return false;
    if (!(await move(client, d, 4, o.clerk, tags, "đã bổ sung"))) return false;
  }
  // A decision whose signing failed is left for later; resumed work does the remaining moves only.
  if (rng.next() < settings.signShare && !(await signDecision(client, d, o, tags))) return false;
  if (!(await move(client, d, 9, o.clerk, tags)) || !(await move(client, d, 10, o.clerk, tags))) return false;
  dossiersProcessed.add(1, tags);
  return true;
};
