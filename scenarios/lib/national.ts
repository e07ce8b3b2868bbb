import exec from "k6/execution";
import type { PortalClient, StepTags } from "./portal-client.js";
import { jsonBody } from "./portal-client.js";

/** Asia/Ho_Chi_Minh is UTC+7 all year (no DST). */
const ictOffsetMs = 7 * 3600 * 1000;
const two = (n: number): string => String(n).padStart(2, "0");

const ict = (ms: number): Date => new Date(ms + ictOffsetMs);

/** `yyyyMMddHHmmss` on the portal's clock, as sync payloads carry it. */
export const syncTimestamp = (ms: number): string => {
  const d = ict(ms);
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
};

/** `yyMMdd` of a dossier code. */
export const codeDate = (ms: number): string => syncTimestamp(ms).slice(2, 8);

/**
 * Provincial departments that receive dossiers at their own counters and push them to the national portal:
 * `000.DD.00.HPP`, DD = 01..99. Citizens' submissions through the portal use province (`000.00.00.HPP`) and
 * commune (`000.00.CC.HPP`) agencies, so these codes never meet the portal's own.
 */
export const departmentAgency = (province: number, department: number): string =>
  `000.${two(department)}.00.H${two(province)}`;

/**
 * The code of the b-th dossier of sync batch `iteration` (unique in the scenario): the batch index picks the
 * department and the iteration is the daily counter, which stays below 10,000 by moving to further
 * departments every 9,999 batches. Codes never repeat within a run of fewer than 9,999 × ⌊99 / batch⌋ batches.
 */
export const syncedDossierCode = (
  province: number,
  iteration: number,
  b: number,
  batchSize: number,
  nowMs: number,
): string | null => {
  const block = Math.floor(iteration / 9999);
  const department = 1 + b + block * batchSize;
  if (department > 99) return null;
  return `${departmentAgency(province, department)}-${codeDate(nowMs)}-${String((iteration % 9999) + 1).padStart(4, "0")}`;
};

export interface NationalSession {
  session: string;
  expiresAt: number;
}

/** Session login; the session is reused until shortly before it expires, as a provincial system would. */
export const nationalLogin = async (
  client: PortalClient,
  province: number,
  tags: StepTags,
  now: () => number = Date.now,
): Promise<NationalSession | null> => {
  const res = await client.post(
    "/login",
    { username: `tinh-h${two(province)}-vu${exec.vu.idInTest}`, password: "synthetic-not-a-secret" },
    {},
    tags,
    "POST /login",
  );
  const body = jsonBody<{ error_code?: string; session?: string; expiresInS?: number }>(res);
  if (res.status !== 200 || body?.error_code !== "00" || !body.session) return null;
  return { session: body.session, expiresAt: now() + Math.max(0, (body.expiresInS ?? 60) - 2) * 1000 };
};

/** Next status of a synced dossier as it progresses at the provincial system: 2 → 4 → 9 → 10. */
export const nextSyncedStatus = (status: number): number | null =>
  status === 2 ? 4 : status === 4 ? 9 : status === 9 ? 10 : null;
