import { check } from "k6";
import exec from "k6/execution";
import {
  communeAgency,
  communesPerProvince,
  provinceAgency,
  provinceLabel,
} from "../../kernel/pure/agencies.js";
import type { Rng } from "../../kernel/pure/rng.js";
import { bearer, type CitizenSession, ensureSession, signIn } from "../lib/identity.js";
import {
  dossierAckMs,
  dossiersAcknowledged,
  dossiersSubmitted,
  paymentMs,
  paymentsCompleted,
} from "../lib/metrics.js";
import { defaultJourneys, type K6Plan } from "../lib/plan.js";
import { jsonBody, type PortalClient, pause, portalClient, type StepTags } from "../lib/portal-client.js";
import { recordDossier, recordPayment } from "../lib/records.js";
import { withRetries } from "../lib/retry.js";
import { hex64, perVu, pickProvince, submissionKey, syntheticCitizenId, vuRng } from "../lib/vu.js";

interface ProcedureRef {
  code: string;
  level: string;
  feeVnd: number;
}

/**
 * Per-VU state (by VU id, see `perVu`): the catalogue entries this VU has seen, and the citizen this VU is,
 * signed in until the token expires (real users stay signed in, so identity sees one sign-in per session, not
 * one per request).
 */
interface VuState {
  procedures: ProcedureRef[];
  citizenId: string | null;
  session: CitizenSession | null;
}

const state = perVu((): VuState => ({ procedures: [], citizenId: null, session: null }));

/**
 * The catalogue is the same for every citizen, so a worker keeps one object per procedure and a VU's list
 * holds references: a few hundred bytes per VU instead of a copy of every entry it has seen.
 */
const seen = new Map<string, ProcedureRef>();
const remember = (list: ProcedureRef[], p: ProcedureRef): void => {
  let ref = seen.get(p.code);
  if (!ref || ref.level !== p.level || ref.feeVnd !== p.feeVnd) {
    ref = { code: p.code, level: p.level, feeVnd: p.feeVnd };
    seen.set(p.code, ref);
  }
  list.push(ref);
};

const searchTerms = ["khai sinh", "kết hôn", "cư trú", "đất đai", "xây dựng", "kinh doanh", "chứng thực"];

/** Finding a procedure: search the catalogue, sometimes open one. One request per iteration. */
export const browse = async (plan: K6Plan): Promise<void> => {
  const s = state();
  const rng = vuRng(plan, "citizen");
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "citizen", step: "browse", province: provinceLabel(province) };
  const client = portalClient(plan.baseUrl, plan.requestTimeoutS);
  const known = s.procedures;
  if (known.length > 0 && rng.next() < 0.4) {
    const p = rng.pick(known);
    const res = await client.get(`/api/v1/procedures/${p.code}`, tags, "GET /api/v1/procedures/{code}");
    check(res, { "procedure opened": (r) => r.status === 200 }, tags);
    return;
  }
  const q = encodeURIComponent(rng.pick(searchTerms));
  const res = await client.get(`/api/v1/procedures?q=${q}&limit=20`, tags, "GET /api/v1/procedures");
  if (check(res, { "catalogue searched": (r) => r.status === 200 }, tags) && known.length < 200) {
    const items = jsonBody<{ items?: ProcedureRef[] }>(res)?.items ?? [];
    for (const p of items) remember(known, p);
  }
};

const loadProcedures = async (client: PortalClient, s: VuState, tags: StepTags): Promise<void> => {
  if (s.procedures.length > 0) return;
  const res = await client.get(
    "/api/v1/procedures?limit=100",
    { ...tags, step: "browse" },
    "GET /api/v1/procedures",
  );
  if (res.status !== 200) return;
  const items = jsonBody<{ items?: ProcedureRef[] }>(res)?.items ?? [];
  for (const p of items) remember(s.procedures, p);
};

/** Attachment sizes: mostly scanned pages of 100 KB–2 MB, a few large (assumption). */
export const attachmentSize = (rng: Rng): number => {
  const u = rng.next();
  if (u < 0.7) return rng.int(100_000, 800_000);
  if (u < 0.95) return rng.int(800_000, 2_000_000);
  return rng.int(2_000_000, 8_000_000);
};

/** Pays a dossier's fee: create (INIT), confirm at the platform, then read the result until the callback arrived. */
const payFee = async (
  client: PortalClient,
  code: string,
  amountVnd: number,
  tags: StepTags,
): Promise<void> => {
  const t: StepTags = { ...tags, step: "payment" };
  const started = Date.now();
  // No idempotency key on createPayment: only a request shed at admission (nothing done yet) is repeated.
  const created = (
    await withRetries(
      () => client.post("/api/v1/payments", { dossierCode: code, amountVnd }, {}, t, "POST /api/v1/payments"),
      { attempts: 2, tags: t, retryable: (r) => r.status === 503 && String(r.body).includes("OVERLOADED") },
    )
  ).res;
  const paymentId = jsonBody<{ paymentId?: string }>(created)?.paymentId;
  if (!check(created, { "payment started": (r) => r.status === 201 && !!paymentId }, t) || !paymentId) {
    paymentsCompleted.add(false, t);
    return;
  }
  // Confirming twice is harmless (a payment already processing stays so), so it is retried.
  const confirmed = (
    await withRetries(
      () =>
        client.post(
          `/api/v1/payments/${paymentId}/confirm`,
          { outcome: "success" },
          {},
          t,
          "POST /api/v1/payments/{paymentId}/confirm",
        ),
      { attempts: 2, tags: t },
    )
  ).res;
  if (!check(confirmed, { "payment confirmed": (r) => r.status === 202 }, t)) {
    paymentsCompleted.add(false, t);
    return;
  }
  let status = jsonBody<{ status?: string }>(confirmed)?.status ?? "processing";
  const confirmedAt = Date.now();
  for (let i = 0, wait = 0.1; i < 4 && status !== "paid" && status !== "failed"; i++, wait *= 2) {
    await pause(wait);
    const res = await client.get(`/api/v1/payments/${paymentId}`, t, "GET /api/v1/payments/{paymentId}");
    status = jsonBody<{ status?: string }>(res)?.status ?? status;
  }
  // Whatever the journey saw, reconciliation asks the portal again until the payment is final.
  recordPayment({
    ph: "payment",
    paymentId,
    dossierCode: code,
    amountVnd,
    status,
    at: confirmedAt,
    province: tags.province,
  });
  const paid = status === "paid";
  check(status, { "payment completed": (x) => x === "paid" }, t);
  paymentsCompleted.add(paid, t);
  if (paid) paymentMs.add(Date.now() - started, t);
};

/**
 * A citizen's submission: sign in (or reuse the session), prefill from the population database, submit with
 * attachments and an idempotency key (retried safely), pay the fee online for some, then poll the status with
 * backoff.
 */
export const submit = async (plan: K6Plan): Promise<void> => {
  const s = state();
  const rng = vuRng(plan, "citizen");
  const journeys = plan.journeys ?? defaultJourneys;
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "citizen", step: "submit", province: provinceLabel(province) };
  const client = portalClient(plan.baseUrl, plan.requestTimeoutS);
  await loadProcedures(client, s, tags);
  if (s.procedures.length === 0) return;

  if (!s.citizenId) s.citizenId = syntheticCitizenId(rng);
  const citizenId = s.citizenId;
  s.session = await ensureSession(s.session, () => signIn(client, citizenId, rng, tags));
  if (!check(s.session, { "signed in": (x) => x !== null }, { ...tags, step: "sign-in" })) return;

  const lookupTags: StepTags = { ...tags, step: "lookup" };
  const person = await client.get(
    `/api/v1/citizens/${citizenId}`,
    lookupTags,
    "GET /api/v1/citizens/{citizenId}",
    { headers: bearer(s.session) },
  );
  check(person, { "citizen found": (r) => r.status === 200 }, lookupTags);
  if (person.status === 401) s.session = null; // signs in again next time
  const fullName = jsonBody<{ fullName?: string }>(person)?.fullName ?? "Công dân Thử nghiệm";

  const pay = rng.next() < journeys.payShare;
  const withFee = s.procedures.filter((p) => p.feeVnd > 0);
  const procedure = pay && withFee.length > 0 ? rng.pick(withFee) : rng.pick(s.procedures);
  const agency =
    procedure.level === "commune"
      ? communeAgency(province, rng.int(1, communesPerProvince + 1))
      : provinceAgency(province);
  const key = submissionKey(plan.runId, exec.scenario.iterationInTest);
  const body = {
    procedureCode: procedure.code,
    agencyCode: agency,
    applicant: { citizenId, fullName },
    attachments: Array.from({ length: rng.int(1, 4) }, (_, i) => ({
      name: `tai-lieu-${i + 1}.pdf`,
      sizeBytes: attachmentSize(rng),
      sha256: hex64(rng),
    })),
    fees: procedure.feeVnd > 0 ? [{ code: "LE_PHI", amountVnd: procedure.feeVnd }] : [],
  };
  const started = Date.now();
  // The same idempotency key on every attempt: a retry can never make a second dossier.
  const { res, attempts, retriesAfterReach } = await withRetries(
    () =>
      client.post(
        "/api/v1/dossiers",
        body,
        { "idempotency-key": key, ...bearer(s.session) },
        tags,
        "POST /api/v1/dossiers",
      ),
    { attempts: 3, tags, retryable: (r) => r.status === 0 || r.status === 429 || r.status >= 500 },
  );
  const dossier =
    res.status === 201 || res.status === 200 ? jsonBody<{ code?: string; status?: number }>(res) : null;
  const code = dossier?.code;
  const status = dossier?.status;
  check(code, { "dossier acknowledged": (c) => typeof c === "string" }, tags);
  dossiersSubmitted.add(1, tags);
  if (code) {
    dossiersAcknowledged.add(1, tags);
    dossierAckMs.add(Date.now() - started, tags);
  }
  recordDossier({
    ph: "dossier",
    kind: code ? "acknowledged" : "unacknowledged",
    key,
    ...(code ? { code, ackMs: Date.now() - started } : {}),
    ...(status === undefined ? {} : { status }),
    at: Date.now(),
    attempts,
    retriesAfterReach,
    province: tags.province,
  });
  if (!code) return;
  if (pay && procedure.feeVnd > 0) await payFee(client, code, procedure.feeVnd, tags);
  const polls = Math.floor(plan.pollsPerSubmission) + (rng.next() < plan.pollsPerSubmission % 1 ? 1 : 0);
  const statusTags: StepTags = { ...tags, step: "status" };
  for (let i = 0, wait = 0.2; i < polls; i++, wait *= 2) {
    await pause(wait);
    const r = await client.get(`/api/v1/dossiers/${code}`, statusTags, "GET /api/v1/dossiers/{code}");
    check(r, { "status found": (x) => x.status === 200 }, statusTags);
  }
};
