import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { findTool } from "../../scripts/tools/find-tools.js";

/** What a benchmark ran on: committed beside every result so figures can be compared honestly. */
export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  k6: string | null;
  toxiproxy: string | null;
  gitRevision: string | null;
}

export const machineInfo = (): MachineInfo => {
  let gitRevision: string | null = null;
  try {
    gitRevision = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    gitRevision = null;
  }
  return {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    k6: findTool("k6")?.version ?? null,
    toxiproxy: findTool("toxiproxy")?.version ?? null,
    gitRevision,
  };
};
