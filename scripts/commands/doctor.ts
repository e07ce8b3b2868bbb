import { spawnSync } from "node:child_process";
import { allocatePorts, portRange } from "../lib/ports.js";
import { cleanLeftovers, findLeftovers, liveProxies } from "../run/run-state.js";
import { findTool } from "../tools/find-tools.js";
import { type ToolName, toolNames, toolSpecs } from "../tools/versions.js";

export interface DoctorReport {
  ok: boolean;
  k6: ToolReport;
  toxiproxy: ToolReport;
  go: { version: string | null };
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
  const tools = {} as Record<ToolName, ToolReport>;
  for (const name of toolNames) {
    const t = findTool(name);
    const pinned = toolSpecs[name].versions[0];
    tools[name] = { found: t !== null, version: t?.version ?? null, pinned, path: t?.path ?? null };
    if (!t) warnings.push(`${name} is missing: run \`npx portal-harness setup\``);
    else if (t.offPin)
      warnings.push(
        `${name} ${t.version} is in use, not the pinned ${pinned}${process.env[toolSpecs[name].envOverride] ? ` (${toolSpecs[name].envOverride} is set)` : " (the Go module proxy refused the pinned version)"}`,
      );
  }
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  const goVersion = go.status === 0 ? go.stdout.trim() : null;
  if (!goVersion) warnings.push("Go is not installed: missing tools cannot be built");
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
    ok: tools.k6.found && tools.toxiproxy.found,
    k6: tools.k6,
    toxiproxy: tools.toxiproxy,
    go: { version: goVersion },
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
    line("k6", r.k6),
    line("toxiproxy", r.toxiproxy),
    `go: ${r.go.version ?? "not installed"}`,
    `loopback ports ${r.ports.range}: ${r.ports.free ? "free" : "NOT free"}`,
    `leftovers of crashed runs: ${r.leftovers.length === 0 ? "none" : r.leftovers.map((l) => `${l.runId} (${l.liveChildren} processes, ${l.proxies} proxies, ${l.containers} containers recorded)`).join(", ")}`,
    ...r.cleaned,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return out.join("\n");
};
