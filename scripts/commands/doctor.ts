import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { cleanLeftovers, liveProxies } from "../../chaos/leftovers.js";
import { engineEntry } from "../../engine/launch.js";
import { engineVersion } from "../../engine/version.js";
import { allocatePorts, portRange } from "../../kernel/ports.js";
import { findLeftovers } from "../../kernel/run-state.js";
import { toolSpecs } from "../../kernel/tool-versions.js";
import { findTool } from "../../kernel/tools.js";
import { describeLimits, type MachineLimits, readMachineLimits } from "../run/socket-budget.js";

export interface DoctorReport {
  ok: boolean;
  /** The project's own load engine (`engine/`): its version, and whether its build (dist/engine.js) exists. */
  engine: { version: string; built: boolean; path: string };
  toxiproxy: ToolReport;
  go: { version: string | null };
  /** This process's open-file limit and the kernel's local port range: they bound the sockets a plan may hold. */
  limits: MachineLimits;
  ports: { range: string; free: boolean; error?: string };
  leftovers: Array<{
    runId: string;
    runDir: string;
    liveChildren: number;
    /** Recorded proxies that still exist on a toxiproxy that answers. */
    proxies: number;
    containers: number;
  }>;
  cleaned: string[];
  warnings: string[];
}

export interface ToolReport {
  found: boolean;
  version: string | null;
  pinned: string;
  path: string | null;
}

/**
 * Checks tools, ports and leftovers of crashed or killed runs under `outRoot`. `clean` stops the leftovers:
 * only what those runs recorded starting (processes by pid and start time, proxies by name, containers by id).
 */
export const runDoctor = async (outRoot: string, clean: boolean): Promise<DoctorReport> => {
  const warnings: string[] = [];
  const enginePath = engineEntry();
  // The engine process and its worker thread's entry are built side by side.
  const missing = [enginePath, join(dirname(enginePath), "engine-worker.js")].filter((f) => !existsSync(f));
  const engine = { version: engineVersion, built: missing.length === 0, path: enginePath };
  if (!engine.built)
    warnings.push(`the engine is not built (${missing.join(", ")} missing): run \`npm run build\``);
  const spec = toolSpecs.toxiproxy;
  const t = findTool("toxiproxy");
  const pinned = spec.versions[0];
  const toxiproxy: ToolReport = {
    found: t !== null,
    version: t?.version ?? null,
    pinned,
    path: t?.path ?? null,
  };
  if (!t) warnings.push("toxiproxy is missing: run `npx portal-harness setup`");
  else if (t.offPin)
    warnings.push(
      `toxiproxy ${t.version} is in use, not the pinned ${pinned}${process.env[spec.envOverride] ? ` (${spec.envOverride} is set)` : " (the Go module proxy refused the pinned version)"}`,
    );
  const limits = readMachineLimits();
  if (!limits.openFiles) warnings.push("the open-file limit could not be read (/proc/self/limits)");
  if (!limits.localPorts)
    warnings.push("the local port range could not be read (/proc/sys/net/ipv4/ip_local_port_range)");
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  const goVersion = go.status === 0 ? go.stdout.trim() : null;
  if (!goVersion && !t) warnings.push("Go is not installed: the missing toxiproxy cannot be built");
  let ports: DoctorReport["ports"] = { range: `${portRange.min}-${portRange.max}`, free: true };
  try {
    await allocatePorts(8);
  } catch (e) {
    ports = { ...ports, free: false, error: (e as Error).message };
    warnings.push(`loopback ports: ${(e as Error).message}`);
  }
  const found = findLeftovers(outRoot);
  const leftovers: DoctorReport["leftovers"] = [];
  for (const l of found)
    leftovers.push({
      runId: l.state.runId,
      runDir: l.runDir,
      liveChildren: l.liveChildren.length,
      proxies: (await liveProxies(l)).length,
      containers: l.state.containers?.length ?? 0,
    });
  let cleaned: string[] = [];
  if (found.length > 0) {
    if (clean) cleaned = await cleanLeftovers(found, "doctor");
    else
      warnings.push(
        `${found.length} crashed run(s) left processes or proxies: run \`portal-harness doctor --clean\``,
      );
  }
  return {
    ok: engine.built && toxiproxy.found,
    engine,
    toxiproxy,
    go: { version: goVersion },
    limits,
    ports,
    leftovers,
    cleaned,
    warnings,
  };
};

export const renderDoctor = (r: DoctorReport): string => {
  const line = (name: string, t: ToolReport) =>
    t.found
      ? `${name}: ${t.version} (pinned ${t.pinned}) at ${t.path}`
      : `${name}: MISSING (pinned ${t.pinned})`;
  const out = [
    `engine: ${r.engine.version} (the project's own, engine/), ${r.engine.built ? `built at ${r.engine.path}` : "NOT BUILT (run `npm run build`)"}`,
    line("toxiproxy", r.toxiproxy),
    `go: ${r.go.version ?? "not installed"}`,
    `limits: ${describeLimits(r.limits)}`,
    `loopback ports ${r.ports.range}: ${r.ports.free ? "free" : "NOT free"}`,
    `leftovers of crashed runs: ${r.leftovers.length === 0 ? "none" : r.leftovers.map((l) => `${l.runId} (${l.liveChildren} processes, ${l.proxies} proxies, ${l.containers} containers recorded)`).join(", ")}`,
    ...r.cleaned,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return out.join("\n");
};
