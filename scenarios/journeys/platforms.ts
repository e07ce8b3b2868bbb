import { check } from "k6";
import exec from "k6/execution";
import { provinceLabel } from "../../kernel/pure/agencies.js";
import { meetingJoins } from "../lib/metrics.js";
import { defaultJourneys, type K6Plan } from "../lib/plan.js";
import { portalClient, type StepTags } from "../lib/portal-client.js";
import { withRetries } from "../lib/retry.js";
import { perVu, pickProvince, vuRng } from "../lib/vu.js";

const two = (n: number): string => String(n).padStart(2, "0");

/**
 * An official runs an aggregate report (the reporting platform scans its history: expensive). Reports are
 * read-only, so a shed query is retried once.
 */
export const reportQuery = async (plan: K6Plan): Promise<void> => {
  const rng = vuRng(plan, "reporting");
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "reporting", step: "report", province: provinceLabel(province) };
  const client = portalClient(plan.officerUrl ?? plan.baseUrl, plan.requestTimeoutS);
  const groupBy = rng.pick(["status", "province", "month"] as const);
  const fromMonth = rng.int(1, 13);
  const toMonth = rng.int(fromMonth, 13);
  const { res } = await withRetries(
    () =>
      client.get(
        `/api/v1/reports/dossiers?groupBy=${groupBy}&from=2025-${two(fromMonth)}-01&to=2025-${two(toMonth)}-28`,
        tags,
        "GET /api/v1/reports/dossiers",
      ),
    { attempts: 2, tags },
  );
  check(res, { "report answered": (r) => r.status === 200 }, tags);
};

/** Participants each VU (by VU id) has in meetings, and when each leaves. */
const participants = perVu((): Array<{ meeting: string; participantId: string; leaveAt: number }> => []);
/** At most this many leaves per iteration, so an iteration stays short. */
const leavesPerIteration = 3;

/**
 * The 08:00 online-meeting storm: officials join their morning meeting (idempotent per participant; a full
 * session refuses with 409, an expected answer, counted as `meeting_joins{result:full}`), stay a while and
 * leave. Leaving is done by a later iteration of the same VU once the stay is over: no sleeping in an
 * arrival-rate iteration.
 */
export const meetingJoin = async (plan: K6Plan): Promise<void> => {
  const settings = (plan.journeys ?? defaultJourneys).meetings;
  if (!settings) return;
  const joined = participants();
  const rng = vuRng(plan, "meetings");
  const province = pickProvince(plan, rng);
  const tags: StepTags = { journey: "meetings", step: "meeting", province: provinceLabel(province) };
  const client = portalClient(plan.officerUrl ?? plan.baseUrl, plan.requestTimeoutS);
  const now = Date.now();
  for (
    let left = 0;
    left < leavesPerIteration && joined.length > 0 && (joined[0]?.leaveAt ?? 0) <= now;
    left++
  ) {
    const p = joined.shift();
    if (!p) break;
    const res = await client.post(
      `/api/v1/meetings/${p.meeting}/leave`,
      { participantId: p.participantId },
      {},
      tags,
      "POST /api/v1/meetings/{id}/leave",
    );
    check(res, { "meeting left": (r) => r.status === 200 }, tags);
  }
  const meeting = `HOP-${String(rng.int(1, settings.sessions + 1)).padStart(3, "0")}`;
  const participantId = `CB-${exec.scenario.iterationInTest + 1}`;
  const session = await client.get(`/api/v1/meetings/${meeting}`, tags, "GET /api/v1/meetings/{id}");
  check(session, { "meeting found": (r) => r.status === 200 }, tags);
  const { res } = await withRetries(
    () =>
      client.post(
        `/api/v1/meetings/${meeting}/join`,
        { participantId },
        {},
        tags,
        "POST /api/v1/meetings/{id}/join",
        { expected: [200, 409] },
      ),
    // Joining is idempotent per participant, so a shed join is retried.
    { attempts: 2, tags },
  );
  check(res, { "joined or refused at capacity": (r) => r.status === 200 || r.status === 409 }, tags);
  if (res.status === 200) {
    meetingJoins.add(1, { ...tags, result: "joined" });
    joined.push({ meeting, participantId, leaveAt: now + settings.stayS * 1000 });
  } else if (res.status === 409) meetingJoins.add(1, { ...tags, result: "full" });
};
