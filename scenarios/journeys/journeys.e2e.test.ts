import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { dossierCodePattern } from "../../mocks/contract/common.js";
import { Verdict } from "../../reports/verdict/schema.js";
import { projectRoot } from "../../scripts/lib/paths.js";

const root = projectRoot();
const out = mkdtempSync(join(tmpdir(), "ph-journeys-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

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
  const res = spawnSync(
    process.execPath,
    [
      join(root, "dist", "cli.js"),
      "run",
      "--profile",
      join(root, "examples", "profiles", "all-journeys.json"),
      "--faults",
      "none",
      "--out",
      out,
    ],
    { encoding: "utf8", timeout: 240_000, cwd: root },
  );
  expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
  const runDir = /verdict: (.+)\/verdict\.json/.exec(res.stdout)?.[1];
  if (!runDir) throw new Error(`no run directory in:\n${res.stdout}`);

  const summary = JSON.parse(readFileSync(join(runDir, "k6-summary.json"), "utf8")) as Summary;
  const checks = summary.root_group.checks;
  for (const [journey, names] of Object.entries(journeyChecks))
    for (const name of names) expect(checks[name]?.passes ?? 0, `${journey}: ${name}`).toBeGreaterThan(0);
  const passes = Object.values(checks).reduce((s, c) => s + c.passes, 0);
  const fails = Object.values(checks).reduce((s, c) => s + c.fails, 0);
  console.log(`checks: ${passes} passed, ${fails} failed`);
  expect(fails).toBeLessThanOrEqual(passes * 0.01);

  const lines = readFileSync(join(runDir, "k6-console.ndjson"), "utf8").split("\n").filter(Boolean);
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

  const v = Verdict.parse(JSON.parse(readFileSync(join(runDir, "verdict.json"), "utf8")));
  expect(v.outcome).toBe("passed");
  expect(v.dossiers.acknowledged).toBe(acknowledged.length);
  expect(v.dossiers.found).toBe(acknowledged.length);
  expect(v.dossiers.lost).toBe(0);
  expect(v.dossiers.duplicated).toBe(0);
  // Officers progressed dossiers, so stuck and illegal moves are judged, not left unknown.
  expect(v.dossiers.stuck).toBe(0);
  expect(v.dossiers.illegalTransitions).toBe(0);
  expect(v.load.droppedIterations).toBe(0);
});
