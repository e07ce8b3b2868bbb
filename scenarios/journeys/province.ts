import { check } from "k6";
import exec from "k6/execution";
import { provinceLabel } from "../../kernel/pure/agencies.js";
import type { Rng } from "../../kernel/pure/rng.js";
import { syncLagMs, syncPushed } from "../lib/metrics.js";
import {
  type NationalSession,
  nationalLogin,
  nextSyncedStatus,
  syncedDossierCode,
  syncTimestamp,
} from "../lib/national.js";
import { defaultJourneys, type K6Plan } from "../lib/plan.js";
import { jsonBody, type PortalClient, pause, portalClient, type StepTags } from "../lib/portal-client.js";
import { recordSync } from "../lib/records.js";
import { isRetryable } from "../lib/retry.js";
import { perVu, pickProvince, vuRng } from "../lib/vu.js";

interface Pushed {
  code: string;
  status: number;
  /** Messages sent for this dossier so far: MessageIds are `{code}#{n}`, stable across redelivery. */
  messages: number;
}

/** Per VU (by VU id): its sessions per province and the dossiers it pushed that are not yet final. */
interface VuState {
  sessions: Map<number, NationalSession>;
  open: Pushed[];
}
const state = perVu((): VuState => ({ sessions: new Map(), open: [] }));
const maxOpen = 200;

const session = async (
  client: PortalClient,
  sessions: VuState["sessions"],
  province: number,
  tags: StepTags,
  fresh = false,
): Promise<string | null> => {
  const current = sessions.get(province);
  if (!fresh && current && current.expiresAt > Date.now()) return current.session;
  const s = await nationalLogin(client, province, tags);
  if (s) sessions.set(province, s);
  else sessions.delete(province);
  return s?.session ?? null;
};

/**
 * Sends one sync message. A reply of "99" (session expired) means log in again and resend; a transport
 * failure means resend. Both are safe: the MessageId is the same, and the national portal absorbs a
 * MessageId it has seen.
 */
const send = async (
  client: PortalClient,
  sessions: VuState["sessions"],
  province: number,
  path: "/DongBoHoSoMC" | "/CapNhatTienDoHoSoMC",
  message: (session: string) => Record<string, unknown>,
  tags: StepTags,
): Promise<{ errorCode: string | null; attempts: number }> => {
  let errorCode: string | null = null;
  let attempts = 0;
  let fresh = false;
  for (let backoff = 0.2; attempts < 3; backoff *= 2) {
    const s = await session(client, sessions, province, tags, fresh);
    if (!s) return { errorCode: null, attempts };
    attempts++;
    const res = await client.post(path, message(s), {}, tags, `POST ${path}`);
    errorCode = jsonBody<{ error_code?: string }>(res)?.error_code ?? null;
    if (res.status === 200 && errorCode === "99") {
      fresh = true;
      continue;
    }
    if (!isRetryable(res)) break;
    await pause(backoff);
  }
  return { errorCode, attempts };
};

/** Looks a pushed dossier up at the national portal until it shows `status` (a few short polls). */
const confirm = async (
  client: PortalClient,
  code: string,
  status: number,
  tags: StepTags,
): Promise<boolean> => {
  for (let i = 0, wait = 0.05; i < 3; i++, wait *= 2) {
    const res = await client.get(`/TraCuuHoSo?MaHoSo=${encodeURIComponent(code)}`, tags, "GET /TraCuuHoSo");
    const body = jsonBody<{ error_code?: string; data?: { TrangThaiHoSo?: number } }>(res);
    if (body?.error_code === "00" && (body.data?.TrangThaiHoSo ?? 0) >= status) return true;
    if (i < 2) await pause(wait);
  }
  return false;
};

const nationalDossier = (code: string, status: number, rng: Rng, nowMs: number) => {
  const agency = code.slice(0, 13);
  return {
    MaHoSo: code,
    MaTTHC: `1.${String(rng.int(0, 1_000_000)).padStart(6, "0")}`,
    MaDinhDanh: agency,
    ChuHoSo: "Công dân Thử nghiệm",
    NgayTiepNhan: syncTimestamp(nowMs),
    NgayHenTra: syncTimestamp(nowMs + 5 * 86_400_000),
    TrangThaiHoSo: status,
    TaiLieuNop: [],
    DanhSachLePhi: [],
  };
};

/**
 * One province's sync batch, as its one-stop system sends it to the national portal: log in (or reuse the
 * session), push the dossiers received at its counters since the last batch (DongBoHoSoMC), push status
 * progress of dossiers pushed earlier (CapNhatTienDoHoSoMC), and look the batch's first dossier up
 * (TraCuuHoSo) to measure how long the national portal took to show it.
 */
export const syncBatch = async (plan: K6Plan): Promise<void> => {
  const settings = (plan.journeys ?? defaultJourneys).sync;
  if (!settings || !plan.nationalUrl) return;
  const { sessions, open } = state();
  const rng = vuRng(plan, "province");
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "province", step: "sync", province: provinceLabel(province) };
  const client = portalClient(plan.nationalUrl, plan.requestTimeoutS);
  const iteration = exec.scenario.iterationInTest;
  let lagFrom: { code: string; at: number } | null = null;
  for (let b = 0; b < settings.dossiersPerBatch; b++) {
    const at = Date.now();
    const code = syncedDossierCode(province, iteration, b, settings.dossiersPerBatch, at);
    if (!code) break;
    const messageId = `${code}#1`;
    const { errorCode, attempts } = await send(
      client,
      sessions,
      province,
      "/DongBoHoSoMC",
      (s) => ({ session: s, MessageId: messageId, HoSo: nationalDossier(code, 2, rng, at) }),
      tags,
    );
    const ok = check(errorCode, { "dossier pushed (00)": (c) => c === "00" }, tags);
    if (ok) {
      syncPushed.add(1, tags);
      if (!lagFrom) lagFrom = { code, at };
      open.push({ code, status: 2, messages: 1 });
      if (open.length > maxOpen) open.shift();
    }
    recordSync({
      ph: "sync",
      kind: ok ? "pushed" : "failed",
      code,
      messageId,
      status: 2,
      confirmed: null,
      ...(errorCode === null ? {} : { errorCode }),
      at: Date.now(),
      attempts,
      province: tags.province,
    });
  }
  // Progress of earlier dossiers (oldest first), one step each.
  let updates = 0;
  for (let i = 0; i < open.length && updates < settings.updatesPerBatch; ) {
    const d = open[i] as Pushed;
    const next = nextSyncedStatus(d.status);
    if (next === null || d.code === lagFrom?.code) {
      i++;
      continue;
    }
    updates++;
    const messageId = `${d.code}#${d.messages + 1}`;
    const { errorCode } = await send(
      client,
      sessions,
      Number(d.code.slice(11, 13)),
      "/CapNhatTienDoHoSoMC",
      (s) => ({
        session: s,
        MessageId: messageId,
        MaHoSo: d.code,
        TrangThaiHoSo: next,
        ThoiGian: syncTimestamp(Date.now()),
      }),
      tags,
    );
    if (check(errorCode, { "progress pushed (00)": (c) => c === "00" }, tags)) {
      d.messages++;
      d.status = next;
    }
    if (nextSyncedStatus(d.status) === null) open.splice(i, 1);
    else i++;
  }
  if (lagFrom) {
    const confirmed = await confirm(client, lagFrom.code, 2, tags);
    check(confirmed, { "national portal has the dossier": (c) => c }, tags);
    if (confirmed) syncLagMs.add(Date.now() - lagFrom.at, tags);
  }
};
