import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MachineInfo } from "./machine.js";

/** One benchmark's outcome: its figures, whether it met its goal, and what it means, in words. */
export interface BenchResult {
  name: string;
  goal: string;
  met: boolean;
  figures: Record<string, number | string | null>;
  notes: string[];
}

/** A benchmark: it measures, it does not assert; the result says whether the goal was met. */
export interface Benchmark {
  name: string;
  description: string;
  run(say: (line: string) => void): Promise<BenchResult>;
}

export const writeResult = (dir: string, machine: MachineInfo, result: BenchResult): string[] => {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${result.name}.json`);
  const md = join(dir, `${result.name}.md`);
  writeFileSync(json, `${JSON.stringify({ ...result, machine }, null, 2)}\n`);
  const lines = [
    `# Benchmark: ${result.name}`,
    "",
    `Goal: ${result.goal} — **${result.met ? "met" : "not met"}**`,
    "",
    "| figure | value |",
    "|---|---|",
    ...Object.entries(result.figures).map(([k, v]) => `| ${k} | ${v ?? "—"} |`),
    "",
    ...result.notes.map((n) => `- ${n}`),
    "",
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB; Node ${machine.node}; engine ${machine.engine}; toxiproxy ${machine.toxiproxy ?? "—"}; nginx ${machine.nginx ?? "—"}; git ${machine.gitRevision ?? "—"}; ${machine.date}.`,
    "",
  ];
  writeFileSync(md, lines.join("\n"));
  return [json, md];
};
