import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { engineVersion } from "../../engine/version.js";
import { gitRevision } from "../../kernel/fingerprint.js";
import { findTool } from "../../kernel/tools.js";
import { nginxPath } from "../../scripts/tools/setup-extras.js";

/** What a benchmark ran on: committed beside every result so figures can be compared honestly. */
export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** The project's own load engine (`engine/version.ts`). */
  engine: string;
  toxiproxy: string | null;
  /** nginx, the engine-throughput benchmark's server, when installed (`setup --extras`). */
  nginx: string | null;
  gitRevision: string | null;
}

/** `nginx -v` prints "nginx version: nginx/1.22.1" on stderr. */
const nginxVersion = (): string | null => {
  for (const bin of [nginxPath, "nginx"]) {
    const res = spawnSync(bin, ["-v"], { encoding: "utf8", timeout: 5000 });
    if (res.status === 0) return /nginx\/(\S+)/.exec(`${res.stdout}${res.stderr}`)?.[1] ?? null;
  }
  return null;
};

export const machineInfo = (): MachineInfo => ({
  date: new Date().toISOString(),
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  engine: engineVersion,
  toxiproxy: findTool("toxiproxy")?.version ?? null,
  nginx: nginxVersion(),
  gitRevision: gitRevision(true),
});
