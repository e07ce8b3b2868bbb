import { type LoadedAdapter, loadAdapterTarget } from "../../adapters/target.js";
import type { FaultPlan } from "../../chaos/plan.js";
import { targetLinks } from "../../chaos/target-links.js";
import { environmentError, inputError } from "../../kernel/errors.js";
import { type CompiledProfile, compileProfile, sizeForFaults } from "../../scenarios/profiles/compile.js";
import type { Profile } from "../../scenarios/profiles/schema.js";
import type { Slo } from "../../scenarios/slo/schema.js";
import { resolveFaultPlan, resolveProfile, resolveSlo, sourceFile } from "../config/named.js";
import type { RunConfig } from "../config/run-config.js";
import {
  describeLimits,
  estimateSockets,
  judgeSockets,
  type MachineLimits,
  readMachineLimits,
  type SocketBudget,
  targetOrigins,
} from "./socket-budget.js";
import { checkTargetUrl } from "./target-guard.js";
import { entryFaults } from "./vu-sizing.js";

/** Everything a run will do, computed before anything starts (the dry run prints this). */
export interface RunPlan {
  config: RunConfig;
  profile: Profile;
  profileSource: string;
  compiled: CompiledProfile;
  faults: FaultPlan;
  faultsSource: string;
  slo: Slo;
  sloSource: string;
  targetLabel: string;
  /** The load's peak sockets against this machine's open-file limit and local port range. */
  sockets: SocketBudget;
  /** The adapter a URL target speaks through (validated, its secrets found), or null. */
  adapter: LoadedAdapter | null;
  /** The input files the plan read (profile, fault plan, SLO, adapter), for the fingerprint. */
  inputFiles: string[];
}

/**
 * Resolves and checks a run config. Bad input exits 2; a plan this machine cannot hold the sockets of exits 3.
 * `limits` are read from /proc unless given (tests give them).
 */
export const buildRunPlan = (config: RunConfig, limits: MachineLimits = readMachineLimits()): RunPlan => {
  const profile = resolveProfile(config.profile);
  const slo = resolveSlo(config.slo);
  const unsized = compileProfile(profile.value, config.scale === undefined ? {} : { scale: config.scale });
  const faults = resolveFaultPlan(config.faults, "faults", {
    seed: config.seed,
    loadDurationS: unsized.durationS,
    baselineS: config.analysis.baselineMinS,
    recoverS: config.criteria.recoverWithinS,
    ...(config.target.kind === "url" ? { links: ["citizen-gateway"] as const } : {}),
  });
  // On a URL target the officers' scenarios share the citizens' link: their pools cover its faults too.
  const compiled = sizeForFaults(
    unsized,
    entryFaults(faults.value.faults, config.target.kind, config.safety.requestTimeoutS),
  );
  const problems: string[] = [];

  let targetLabel = `mock (${config.target.kind === "mock" ? config.target.variant : ""})`;
  let adapter: LoadedAdapter | null = null;
  if (config.target.kind === "url") {
    checkTargetUrl(config.target.baseUrl, config.target.allowHosts);
    targetLabel = config.target.baseUrl;
    if (config.target.adapter !== undefined) {
      adapter = loadAdapterTarget(config.target.adapter, config.target.baseUrl);
      targetLabel = `${config.target.baseUrl} (adapter ${adapter.adapter.name})`;
    }
  }
  const available = new Set<string>(targetLinks(config.target));
  faults.value.faults.forEach((f, i) => {
    if (!available.has(f.link))
      problems.push(
        config.target.kind === "url"
          ? `${faults.source}: faults[${i}].link: ${f.link} is inside the target; a URL target can only be faulted on ${[...available].join(", ")}`
          : `${faults.source}: faults[${i}].link: the mock has no link ${f.link} (it has ${[...available].join(", ")})`,
      );
  });
  if (compiled.totalPeakRequestsPerS > config.safety.maxRequestsPerS)
    problems.push(
      `scale: the plan peaks at ${compiled.totalPeakRequestsPerS} requests/s, above safety.maxRequestsPerS ${config.safety.maxRequestsPerS}`,
    );
  const vus = compiled.scenarios.reduce((sum, sc) => sum + sc.maxVUs, 0);
  if (vus > config.safety.maxVUs)
    problems.push(`scale: the plan holds up to ${vus} VUs, above safety.maxVUs ${config.safety.maxVUs}`);
  if (compiled.durationS > config.safety.maxDurationS)
    problems.push(
      `profile: the plan lasts ${compiled.durationS} s, above safety.maxDurationS ${config.safety.maxDurationS}`,
    );
  faults.value.faults.forEach((f, i) => {
    if (f.startS + f.durationS > compiled.durationS)
      problems.push(
        `${faults.source}: faults[${i}]: ends at ${f.startS + f.durationS} s, after the load ends (${compiled.durationS} s)`,
      );
    if (f.startS < config.analysis.baselineMinS)
      problems.push(
        `${faults.source}: faults[${i}].startS: ${f.startS} s leaves less than the ${config.analysis.baselineMinS} s steady-state baseline (analysis.baselineMinS)`,
      );
  });
  if (problems.length > 0) throw inputError(...problems);
  const sockets = judgeSockets(
    estimateSockets(compiled.scenarios, targetOrigins(config.target.kind)),
    limits,
    config.engine.workers,
  );
  if (!sockets.fits)
    throw environmentError(
      `this machine cannot hold the plan's sockets: ${sockets.problems.join("; ")} (${describeLimits(limits)})`,
      "hint: lower --scale (fewer VUs), raise the open-file limit (ulimit -n) or widen net.ipv4.ip_local_port_range",
    );
  return {
    config,
    profile: profile.value,
    profileSource: profile.source,
    compiled,
    faults: faults.value,
    faultsSource: faults.source,
    slo: slo.value,
    sloSource: slo.source,
    targetLabel,
    sockets,
    adapter,
    inputFiles: [
      sourceFile("profile", profile.source),
      sourceFile("faults", faults.source),
      sourceFile("slo", slo.source),
      adapter?.file ?? null,
    ].filter((f): f is string => f !== null),
  };
};
