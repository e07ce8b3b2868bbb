import { faultKind } from "../../chaos/faults/index.js";
import { faultEnd } from "../../chaos/plan.js";
import { renderTimelineText } from "../../chaos/timeline-text.js";
import { levelAt } from "../../scenarios/profiles/compile.js";
import type { RunConfig } from "../config/run-config.js";
import type { RunPlan } from "../run/plan.js";
import type { SocketBudget } from "../run/socket-budget.js";

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const num = (n: number): string =>
  Number.isInteger(n) ? String(n) : Math.abs(n) < 0.1 ? String(Number(n.toPrecision(2))) : n.toFixed(2);

/** The load's peak sockets, this machine's limits and the verdict, as text. */
export const renderSockets = (b: SocketBudget, workers: number): string[] => {
  const limit = (v: number | null) => (v === null ? "unlimited" : String(v));
  const files = b.openFiles
    ? `${b.files} of ${limit(b.openFiles.soft)} open files (hard limit ${limit(b.openFiles.hard)}; ${b.files - b.sockets} are the engine's own, ${workers} worker${workers === 1 ? "" : "s"})`
    : `${b.files} open files (the limit could not be read)`;
  const ports = b.localPorts
    ? `${b.sockets} of ${b.localPorts.count} local ports (${b.localPorts.min}-${b.localPorts.max})`
    : "local port range could not be read";
  return [
    `Sockets (estimate: each VU keeps at most one connection per origin it talks to): peak ${b.sockets}`,
    ...b.scenarios.map(
      (s) =>
        `  ${pad(s.name, 17)}${pad(`${s.maxVUs} VUs × ${s.origins.length} origin${s.origins.length === 1 ? "" : "s"}`, 24)}${s.origins.length === 0 ? "not run (the target has no such link)" : `${s.sockets} (${s.origins.join(", ")})`}`,
    ),
    `  ${files}`,
    `  ${ports}`,
    `  ${b.fits ? "fits this machine" : `DOES NOT FIT: ${b.problems.join("; ")}`}`,
  ];
};

/** The run's safety limits in a line (plan, and the summary `run` shows before any traffic). */
export const safetyLine = (s: RunConfig["safety"]): string =>
  `Safety limits: at most ${s.maxRequestsPerS} requests/s, ${s.maxVUs} VUs, ${s.maxDurationS} s and ${s.maxBytes} bytes sent + received; the engine aborts above ${(s.abortOnErrorRate * 100).toFixed(0)} % errors; request timeout ${s.requestTimeoutS} s; traffic only to loopback or allowlisted hosts.`;

/** What `run` and `demo` print before any traffic: target, load, fault windows and limits. */
export const renderPlanSummary = (plan: RunPlan): string[] => {
  const { compiled: c, config } = plan;
  const vus = c.scenarios.reduce((sum, s) => sum + s.maxVUs, 0);
  const faults = plan.faults.faults.map(
    (f) => `${f.id} (${f.kind} on ${f.link}, ${num(f.startS)}-${num(faultEnd(f))} s)`,
  );
  return [
    `Plan: ${plan.targetLabel}`,
    `  load: ${plan.profile.name}, ${num(c.durationS)} s, peak ${num(c.totalPeakRequestsPerS)} requests/s, up to ${vus} VUs`,
    `  faults (${plan.faults.name}): ${faults.length === 0 ? "none" : faults.join("; ")}`,
    `  ${safetyLine(config.safety)}`,
  ];
};

/** `plan --json`: the compiled plan, the faults, the config and the socket budget. */
export const planJson = (plan: RunPlan): string =>
  JSON.stringify(
    { compiled: plan.compiled, faults: plan.faults, config: plan.config, sockets: plan.sockets },
    null,
    2,
  );

/** The dry run: what a run would do, as text. Starts nothing. */
export const renderPlan = (plan: RunPlan): string => {
  const { compiled: c, profile: p, config } = plan;
  const scale = config.scale ?? p.scale;
  const out: string[] = [];
  out.push(`Plan for ${plan.targetLabel}`);
  out.push(
    `Profile ${p.name} (${plan.profileSource}): ${c.durationS} s, peak ${num(c.peakRequestsPerS)} requests/s = ${p.peakUsers.value} users / ${p.requestIntervalS.value} s × scale ${scale}`,
  );
  out.push(`  peak users: ${p.peakUsers.value} (${p.peakUsers.standing}: ${p.peakUsers.source})`);
  out.push(
    `  request interval: ${p.requestIntervalS.value} s (${p.requestIntervalS.standing === "assumption" ? "ASSUMPTION" : p.requestIntervalS.standing}: ${p.requestIntervalS.source})`,
  );
  out.push(
    `  time compression: ${p.compression}× (${(p.compression / 60).toFixed(1)} simulated minutes per second)`,
  );
  out.push("");
  out.push("Scenarios (open model, ramping-arrival-rate; rates in iterations/s):");
  out.push(
    `  ${pad("scenario", 17)}${pad("steps", 40)}${pad("req/iter", 10)}${pad("from", 8)}${pad("start", 8)}${pad("peak", 8)}VUs pre/max`,
  );
  for (const s of c.scenarios)
    out.push(
      `  ${pad(s.name, 17)}${pad(s.steps.join("+"), 40)}${pad(num(s.requestsPerIteration), 10)}${pad(`${num(s.startTimeS)} s`, 8)}${pad(num(s.startRate), 8)}${pad(num(s.peakIterationsPerS), 8)}${s.preAllocatedVUs}/${s.maxVUs}`,
    );
  for (const n of c.notRun)
    out.push(`  not run: ${n.step} (${(n.share * 100).toFixed(0)} % of requests): no journey yet`);
  out.push(`  all scenarios together peak at ${num(c.totalPeakRequestsPerS)} requests/s`);
  const j = c.journeys;
  if (j.payShare > 0) out.push(`  ${num(j.payShare * 100)} % of submissions pay their fee online`);
  if (p.platforms?.officer)
    out.push(
      `  officers take ${num(p.platforms.officer.dossierShare * 100)} % of dossiers ${num(p.platforms.officer.pickUpAfterS)} s after submission (${p.platforms.officer.standing === "assumption" ? "ASSUMPTION" : p.platforms.officer.standing})`,
    );
  if (p.platforms?.provinceSync)
    out.push(
      `  province sync: a batch of ${p.platforms.provinceSync.dossiersPerBatch} dossiers + ${p.platforms.provinceSync.updatesPerBatch} updates every ${num(p.platforms.provinceSync.batchEveryS.value)} s per province at full scale (${p.platforms.provinceSync.batchEveryS.standing === "assumption" ? "ASSUMPTION" : p.platforms.provinceSync.batchEveryS.standing})`,
    );
  if (p.platforms?.reporting)
    out.push(
      `  reporting: ${num(p.platforms.reporting.queriesPerS.value)} queries/s nationally at full scale (${p.platforms.reporting.queriesPerS.standing === "assumption" ? "ASSUMPTION" : p.platforms.reporting.queriesPerS.standing})`,
    );
  if (p.platforms?.meetings)
    out.push(
      `  meetings: ${num(p.platforms.meetings.joinsPerS.value)} joins/s nationally at the storm's peak, full scale (${p.platforms.meetings.joinsPerS.standing === "assumption" ? "ASSUMPTION" : p.platforms.meetings.joinsPerS.standing}); ${p.platforms.meetings.sessions} sessions, stay ${num(p.platforms.meetings.stayMinutes)} simulated min`,
    );
  out.push("");
  out.push(`Request rate over time (mix ${p.mixStanding === "assumption" ? "ASSUMPTION" : p.mixStanding}):`);
  let t = 0;
  const rows = p.shape.map((pt, i) => {
    if (i > 0) t += c.scenarios[0]?.stages[i - 1]?.durationS ?? 0;
    const hh = Math.floor(pt.hour);
    const mm = Math.round((pt.hour - hh) * 60);
    return `  t=${pad(`${num(t)} s`, 10)} ${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")} ICT  ${num(pt.level * c.peakRequestsPerS)} requests/s`;
  });
  out.push(...rows);
  out.push("");
  if (plan.faults.faults.length === 0) out.push(`Faults (${plan.faults.name}, ${plan.faultsSource}): none`);
  else {
    out.push(`Faults (${plan.faults.name}, ${plan.faultsSource}): ${plan.faults.description}`);
    out.push(
      `  ${pad("id", 28)}${pad("kind", 12)}${pad("link", 25)}${pad("window", 14)}what (toxiproxy semantics)`,
    );
    for (const f of plan.faults.faults)
      out.push(
        `  ${pad(f.id, 28)}${pad(f.kind, 12)}${pad(f.link, 25)}${pad(`${num(f.startS)}-${num(faultEnd(f))} s`, 14)}${faultKind(f.kind).describe(f.params)}`,
      );
  }
  out.push("");
  out.push(
    ...renderTimelineText({
      durationS: c.durationS,
      levelAt: (t) => levelAt(p, t),
      peakRequestsPerS: c.peakRequestsPerS,
      baselineS: config.analysis.baselineMinS,
      plan: plan.faults,
    }),
  );
  out.push("");
  const slo = plan.slo;
  out.push(`SLO ${slo.name} (${plan.sloSource}), judged on steady-state windows:`);
  for (const [step, o] of Object.entries(slo.steps))
    out.push(
      `  ${pad(step, 11)}p95 ≤ ${o.p95Ms} ms, p99 ≤ ${o.p99Ms} ms, errors ≤ ${(o.errorRate * 100).toFixed(1)} %`,
    );
  out.push(`  acknowledgement p95 ≤ ${slo.acknowledgementP95Ms} ms`);
  out.push(
    `  fatal (the engine aborts after ${slo.fatal.graceS} s): errors ≥ ${(Math.min(slo.fatal.errorRate, config.safety.abortOnErrorRate) * 100).toFixed(0)} % or p99 ≥ ${slo.fatal.p99Ms} ms`,
  );
  out.push("");
  out.push(safetyLine(config.safety));
  out.push("");
  out.push(...renderSockets(plan.sockets, config.engine.workers));
  if (p.assumptions.length > 0) {
    out.push("");
    out.push("Assumptions (not published figures):");
    for (const a of p.assumptions) out.push(`  - ${a}`);
  }
  return out.join("\n");
};
