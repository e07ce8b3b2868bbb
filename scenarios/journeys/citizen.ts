import { check } from "k6";
import exec from "k6/execution";
import { communeAgency, communesPerProvince, provinceAgency, provinceLabel } from "../lib/agencies.js";
import { dossierAckMs, dossiersAcknowledged, dossiersSubmitted } from "../lib/metrics.js";
import type { K6Plan } from "../lib/plan.js";
import { pause, portalClient, retryDelayS, type StepTags } from "../lib/portal-client.js";
import { recordDossier } from "../lib/records.js";
import { createRng, hashSeed, type Rng } from "../lib/rng.js";

interface ProcedureRef {
  code: string;
  level: string;
  feeVnd: number;
}

/** Per-VU state: a seeded generator and the catalogue page this VU has already loaded. */
interface VuState {
  rng: Rng;
  procedures: ProcedureRef[];
}

let vuState: VuState | undefined;

const state = (plan: K6Plan): VuState => {
  if (!vuState) vuState = { rng: createRng(hashSeed(plan.seed, exec.vu.idInTest)), procedures: [] };
  return vuState;
};

const pickProvince = (plan: K6Plan, rng: Rng): number => {
  const weights = plan.provinces.weights;
  if (!weights) return rng.int(1, plan.provinces.count + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return i + 1;
  }
  return weights.length;
};

const searchTerms = ["khai sinh", "kết hôn", "cư trú", "đất đai", "xây dựng", "kinh doanh", "chứng thực"];

/** Finding a procedure: search the catalogue, sometimes open one. One request per iteration. */
export const browse = (plan: K6Plan): void => {
  const s = state(plan);
  const province = pickProvince(plan, s.rng);
  const tags: StepTags = { journey: "citizen", step: "browse", province: provinceLabel(province) };
  const client = portalClient(plan.baseUrl, plan.requestTimeoutS);
  const known = s.procedures;
  if (known.length > 0 && s.rng.next() < 0.4) {
    const p = s.rng.pick(known);
    const res = client.get(`/api/v1/procedures/${p.code}`, tags, "GET /api/v1/procedures/{code}");
    check(res, { "procedure opened": (r) => r.status === 200 }, tags);
    return;
  }
  const q = encodeURIComponent(s.rng.pick(searchTerms));
  const res = client.get(`/api/v1/procedures?q=${q}&limit=20`, tags, "GET /api/v1/procedures");
  if (check(res, { "catalogue searched": (r) => r.status === 200 }, tags) && known.length < 200) {
    const items = (res.json("items") as unknown as ProcedureRef[] | undefined) ?? [];
    for (const p of items) known.push({ code: p.code, level: p.level, feeVnd: p.feeVnd });
  }
};

const loadProcedures = (plan: K6Plan, s: VuState, tags: StepTags): void => {
  if (s.procedures.length > 0) return;
  const client = portalClient(plan.baseUrl, plan.requestTimeoutS);
  const res = client.get(
    "/api/v1/procedures?limit=100",
    { ...tags, step: "browse" },
    "GET /api/v1/procedures",
  );
  if (res.status !== 200) return;
  const items = (res.json("items") as unknown as ProcedureRef[] | undefined) ?? [];
  for (const p of items) s.procedures.push({ code: p.code, level: p.level, feeVnd: p.feeVnd });
};

const hex64 = (rng: Rng): string => {
  let out = "";
  for (let i = 0; i < 8; i++)
    out += Math.floor(rng.next() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out;
};

/** Attachment sizes: mostly scanned pages of 100 KB–2 MB, a few large (assumption). */
const attachmentSize = (rng: Rng): number => {
  const u = rng.next();
  if (u < 0.7) return rng.int(100_000, 800_000);
  if (u < 0.95) return rng.int(800_000, 2_000_000);
  return rng.int(2_000_000, 8_000_000);
};

/** Submitting a dossier with an idempotency key, retrying safely, then polling its status with backoff. */
export const submit = (plan: K6Plan): void => {
  const s = state(plan);
  const rng = s.rng;
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "citizen", step: "submit", province: provinceLabel(province) };
  loadProcedures(plan, s, tags);
  if (s.procedures.length === 0) return;
  const client = portalClient(plan.baseUrl, plan.requestTimeoutS);
  const procedure = rng.pick(s.procedures);
  const agency =
    procedure.level === "commune"
      ? communeAgency(province, rng.int(1, communesPerProvince + 1))
      : provinceAgency(province);
  const key = `${plan.runId}-${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${rng.int(0, 1e9)}`;
  const body = {
    procedureCode: procedure.code,
    agencyCode: agency,
    applicant: {
      citizenId: `999${String(rng.int(0, 1e9)).padStart(9, "0")}`,
      fullName: "Công dân Thử nghiệm",
    },
    attachments: Array.from({ length: rng.int(1, 4) }, (_, i) => ({
      name: `tai-lieu-${i + 1}.pdf`,
      sizeBytes: attachmentSize(rng),
      sha256: hex64(rng),
    })),
    fees: procedure.feeVnd > 0 ? [{ code: "LE_PHI", amountVnd: procedure.feeVnd }] : [],
  };
  const started = Date.now();
  let code: string | undefined;
  let status: number | undefined;
  let attempts = 0;
  for (let backoff = 0.25; attempts < 3; backoff *= 2) {
    attempts++;
    const res = client.post(
      "/api/v1/dossiers",
      body,
      { "idempotency-key": key },
      tags,
      "POST /api/v1/dossiers",
    );
    if (res.status === 201 || res.status === 200) {
      code = res.json("code") as string;
      status = res.json("status") as number;
      break;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 429) break; // not retryable
    if (attempts < 3) pause(retryDelayS(res.headers["Retry-After"], backoff));
  }
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
    province: tags.province,
  });
  if (!code) return;
  const polls = Math.floor(plan.pollsPerSubmission) + (rng.next() < plan.pollsPerSubmission % 1 ? 1 : 0);
  const statusTags: StepTags = { ...tags, step: "status" };
  for (let i = 0, wait = 0.2; i < polls; i++, wait *= 2) {
    pause(wait);
    const res = client.get(`/api/v1/dossiers/${code}`, statusTags, "GET /api/v1/dossiers/{code}");
    check(res, { "status found": (r) => r.status === 200 }, statusTags);
  }
};
