import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import type { RequiredResult } from "../../reports/verdict/required.js";
import { type WorkflowFlags, type WorkflowRun, workflowExitCode, workflowTarget } from "./run-workflow.js";

const flags = (f: Partial<WorkflowFlags>): WorkflowFlags => ({
  allowHosts: [],
  out: "out",
  json: false,
  yes: false,
  lang: "en",
  ...f,
});

describe("a workflow's target from its flags", () => {
  it("the mock by default, a variant of it, a URL, or a vendor API through an adapter", () => {
    expect(workflowTarget(flags({}))).toEqual({ kind: "mock", variant: "healthy" });
    expect(workflowTarget(flags({ variant: "no-failover" }))).toEqual({
      kind: "mock",
      variant: "no-failover",
    });
    expect(workflowTarget(flags({ target: "http://127.0.0.1:8080", allowHosts: [] }))).toEqual({
      kind: "url",
      baseUrl: "http://127.0.0.1:8080",
      allowHosts: [],
    });
    const base = (file: string) => `http://127.0.0.1:8480/from/${file}`;
    expect(workflowTarget(flags({ adapter: "a.json" }), base)).toMatchObject({
      baseUrl: "http://127.0.0.1:8480/from/a.json",
      adapter: "a.json",
    });
    expect(workflowTarget(flags({ adapter: "a.json", target: "http://127.0.0.1:9/x" }), base)).toMatchObject({
      baseUrl: "http://127.0.0.1:9/x",
    });
  });

  it("a variant with a URL or an adapter is bad input", () => {
    for (const f of [
      { variant: "x", target: "http://127.0.0.1:1" },
      { variant: "x", adapter: "a.json" },
    ]) {
      let error: unknown = null;
      try {
        workflowTarget(flags(f), () => "http://127.0.0.1:1");
      } catch (e) {
        error = e;
      }
      expect(isHarnessError(error) && error.exitCode).toBe(2);
    }
  });
});

describe("a workflow's exit code", () => {
  const run = (exitCode: WorkflowRun["exitCode"], required: RequiredResult[]) =>
    ({ exitCode, required }) as unknown as WorkflowRun;
  it("the run's own code unless it passed; a passed run with a required criterion missed or failed is 1", () => {
    expect(workflowExitCode(run(0, [{ id: "a", result: "passed" }]))).toBe(0);
    expect(workflowExitCode(run(0, [{ id: "a", result: "missed", reason: "not exercised" }]))).toBe(1);
    expect(workflowExitCode(run(0, [{ id: "a", result: "failed" }]))).toBe(1);
    expect(workflowExitCode(run(4, [{ id: "a", result: "passed" }]))).toBe(4);
    expect(workflowExitCode(run(1, [{ id: "a", result: "passed" }]))).toBe(1);
  });
});
