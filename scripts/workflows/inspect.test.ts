import { describe, expect, it } from "vitest";
import { type Inspection, renderInspection } from "./inspect.js";

const record: Inspection = {
  schemaVersion: 1,
  workflow: "inspect",
  authorisationRef: "QD-42/2026",
  inspector: "Doan Kiem Tra",
  machine: "laptop-1",
  startedAt: "2026-12-02T09:00:00.000Z",
  finishedAt: "2026-12-02T09:01:20.000Z",
  target: { label: "http://127.0.0.1:8480/vendor-a/api/v2 (adapter vendor-a)", baseUrl: null, adapter: null },
  battery: { name: "inspect", version: "2026.1" },
  seed: 4242,
  faultPlan: { name: "random-4242", faults: 3 },
  outcome: "passed",
  required: [
    { id: "dossiers-lost", result: "passed" },
    { id: "recover-<fault>", result: "missed", reason: "not exercised" },
  ],
  fingerprint: {
    tools: { engine: "0.2.0", toxiproxy: "2.12.0" },
    configHash: "c",
    profileHash: "p",
    faultPlanHash: "f",
    scenarioBundleHash: "b",
    seed: 4242,
    gitRevision: "abc123",
    node: "v20.20.2",
    harnessVersion: "0.2.0",
    inputFiles: { "scripts/batteries/inspect.json": "e3b0" },
  },
  rerun:
    "npx portal-harness inspect --battery scripts/batteries/inspect.json --seed 4242 --auth-ref QD-42/2026",
};

describe("inspection.md", () => {
  it("says who inspected what, when, under which authorisation, with what, and how to run it again", () => {
    const md = renderInspection(record);
    expect(md).toMatch(/^# Inspection QD-42\/2026: passed\n/);
    expect(md).toContain("| inspector | Doan Kiem Tra (on laptop-1) |");
    expect(md).toContain(
      "| fault plan | random-4242 (3 faults, seed 4242, not known to the target in advance) |",
    );
    expect(md).toContain("| tools | engine 0.2.0, toxiproxy 2.12.0 |");
    expect(md).toContain("- **missed** recover-<fault>: not exercised");
    expect(md).toContain("- `scripts/batteries/inspect.json` e3b0");
    expect(md).toContain(`\`\`\`sh\n${record.rerun}\n\`\`\``);
  });
});
