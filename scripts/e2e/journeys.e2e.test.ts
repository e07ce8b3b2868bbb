import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { dossierCodePattern } from "../../contract/common.js";
import { runFiles } from "../../kernel/run-files.js";
import { buildCli, root, runOnce } from "../testing/run-cli.js";

interface CheckTally {
  passes: number;
  fails: number;
}
interface Summary {
  root_group: { checks: Record<string, CheckTally> };
  metrics: Record<string, { count?: number; passes?: number; fails?: number } | undefined>;
}

/** The check names each journey makes: every one must have passed at least once. */
const journeyChecks = {
  citizen: ["catalogue searched", "signed in", "citizen found", "dossier acknowledged", "status found"],
  payment: ["payment started", "payment confirmed", "payment completed"],
  officer: ["queue read", "legal move accepted", "document drafted", "document forwarded", "document signed"],
  province: ["dossier pushed (00)", "progress pushed (00)", "national portal has the dossier"],
  reporting: ["report answered"],
  meetings: ["meeting found", "joined or refused at capacity", "meeting left"],
};

it("runs every journey against the mock: checks pass, every dossier code is written out once, none lost", () => {
  buildCli();
  const res = runOnce([
    "run",
    "--profile",
    join(root, "examples", "profiles", "all-journeys.json"),
    "--faults",
    "none",
  ]);
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
  const runDir = res.runDir;

  const summary = JSON.parse(readFileSync(runFiles(runDir).summary, "utf8")) as Summary;
  const checks = summary.root_group.checks;
  for (const [journey, names] of Object.entries(journeyChecks))
    for (const name of names) expect(checks[name]?.passes ?? 0, `${journey}: ${name}`).toBeGreaterThan(0);
  const passes = Object.values(checks).reduce((s, c) => s + c.passes, 0);
  const fails = Object.values(checks).reduce((s, c) => s + c.fails, 0);
  console.log(`checks: ${passes} passed, ${fails} failed`);
  expect(fails).toBeLessThanOrEqual(passes * 0.01);

  const lines = readFileSync(runFiles(runDir).console, "utf8").split("\n").filter(Boolean);
  const records = lines.flatMap((l) => {
    const msg = (JSON.parse(l) as { msg?: string }).msg ?? "";
    return msg.startsWith('{"ph":') ? [JSON.parse(msg) as { ph: string; kind: string; code?: string }] : [];
  });
  const acknowledged = records.filter((r) => r.ph === "dossier" && r.kind === "acknowledged");
  const pushed = records.filter((r) => r.ph === "sync" && r.kind === "pushed");
  // Every code the load was given reaches the output: as many records as the journeys' own counters.
  expect(acknowledged.length).toBe(summary.metrics.dossiers_acknowledged?.count);
  expect(pushed.length).toBe(summary.metrics.sync_pushed?.count);
  expect(acknowledged.length).toBeGreaterThan(50);
  expect(pushed.length).toBeGreaterThan(20);
  const codes = [...acknowledged, ...pushed].map((r) => r.code ?? "");
  for (const code of codes) expect(code).toMatch(dossierCodePattern);
  expect(new Set(codes).size).toBe(codes.length);

  const v = res.verdict;
  expect(v.outcome).toBe("passed");
  expect(v.dossiers.acknowledged).toBe(acknowledged.length);
  expect(v.dossiers.found).toBe(acknowledged.length);
  expect(v.dossiers.lost).toBe(0);
  expect(v.dossiers.duplicated).toBe(0);
  // Officers progressed dossiers, so illegal moves are judged, not left unknown.
  expect(v.dossiers.illegalTransitions).toBe(0);
  // A 25 s run cannot show a dossier stalled for the 60 s stuck deadline: not judged, and said why.
  expect(v.dossiers.stuck).toBeNull();
  expect(v.criteria.find((c) => c.id === "dossiers-stuck")).toMatchObject({
    status: "not-judged",
    reason: expect.stringMatching(/deadline \(60 s\) does not fit/),
  });
  expect(v.load.droppedIterations).toBe(0);
});
