import { join } from "node:path";
import { projectRoot } from "../kernel/paths.js";
import { machineInfo } from "./lib/machine.js";
import { writeResult } from "./lib/result.js";
import { benchmarks } from "./registry.js";

/**
 * `npm run bench [-- NAME ...]`: runs the named benchmarks (all when none is named) one after another and
 * writes each result, with the machine it ran on, to bench/results/. Benchmarks report; they do not fail.
 */
const main = async (): Promise<number> => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !benchmarks.some((b) => b.name === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(", ")}; known: ${benchmarks.map((b) => b.name).join(", ")}\n`,
    );
    return 2;
  }
  const chosen = wanted.length === 0 ? benchmarks : benchmarks.filter((b) => wanted.includes(b.name));
  const machine = machineInfo();
  const dir = join(projectRoot(), "bench", "results");
  for (const b of chosen) {
    const say = (line: string) => process.stdout.write(`[${b.name}] ${line}\n`);
    say(b.description);
    const result = await b.run(say);
    const files = writeResult(dir, machine, result);
    say(`${result.met ? "goal met" : "goal NOT met"}: ${result.goal}`);
    for (const [k, v] of Object.entries(result.figures)) say(`  ${k}: ${v ?? "—"}`);
    say(`written ${files.join(", ")}`);
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(3);
  },
);
