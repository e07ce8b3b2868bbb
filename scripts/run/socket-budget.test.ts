import { describe, expect, it } from "vitest";
import { ExitCode } from "../../kernel/exit-codes.js";
import { RunConfig } from "../config/run-config.js";
import { buildRunPlan } from "./plan.js";
import {
  estimateSockets,
  judgeSockets,
  type MachineLimits,
  parseOpenFiles,
  parsePortRange,
  reservedFiles,
  targetOrigins,
} from "./socket-budget.js";

const scenarios = [
  { name: "citizen_browse", exec: "browse", maxVUs: 100 },
  { name: "citizen_submit", exec: "submit", maxVUs: 400 },
  { name: "officer_process", exec: "officer", maxVUs: 40 },
  { name: "province_sync", exec: "sync", maxVUs: 10 },
  { name: "reporting_query", exec: "report", maxVUs: 10 },
];

const roomy: MachineLimits = {
  openFiles: { soft: 20_000, hard: 20_000 },
  localPorts: { min: 32768, max: 60999 },
};

describe("peak sockets of a plan: maxVUs × origins, summed over scenarios", () => {
  it("on the mock every journey has its own link: one origin each", () => {
    const e = estimateSockets(scenarios, targetOrigins("mock"));
    expect(e.sockets).toBe(100 + 400 + 40 + 10 + 10);
    expect(e.scenarios.find((s) => s.name === "officer_process")?.origins).toEqual(["officer"]);
    expect(e.scenarios.find((s) => s.name === "province_sync")?.origins).toEqual(["national"]);
  });

  it("a URL target: officers share the citizens' origin, and sync (no national link) holds no socket", () => {
    const e = estimateSockets(scenarios, targetOrigins("url"));
    expect(e.sockets).toBe(100 + 400 + 40 + 10);
    expect(e.scenarios.find((s) => s.name === "province_sync")).toMatchObject({ origins: [], sockets: 0 });
  });

  it("a journey it does not know is counted on every origin the target has", () => {
    const e = estimateSockets([{ name: "new", exec: "replay", maxVUs: 7 }], targetOrigins("mock"));
    expect(e.sockets).toBe(21);
  });
});

describe("judging the estimate against the machine", () => {
  it.each([
    // sockets, open files soft, port range, fits
    [1000, 20_000, [32768, 60999], true],
    [20_000 - reservedFiles(1), 20_000, [32768, 60999], true],
    [20_000 - reservedFiles(1) + 1, 20_000, [32768, 60999], false],
    [5000, 1_000_000, [50000, 52000], false],
    [2001, null, [50000, 52000], true],
    [2002, null, [50000, 52000], false],
  ] as const)("%i sockets, open files %s, ports %j: fits %s", (sockets, soft, [min, max], fits) => {
    const b = judgeSockets(
      { sockets, scenarios: [] },
      { openFiles: { soft, hard: soft }, localPorts: { min, max } },
      1,
    );
    expect(b.fits).toBe(fits);
    expect(b.problems.length === 0).toBe(fits);
  });

  it("a limit that cannot be read is not judged", () => {
    expect(judgeSockets({ sockets: 1e6, scenarios: [] }, { openFiles: null, localPorts: null }, 1).fits).toBe(
      true,
    );
  });

  it("the engine's own descriptors grow with its workers", () => {
    expect(reservedFiles(4)).toBeGreaterThan(reservedFiles(1));
  });
});

describe("reading the limits", () => {
  it("parses /proc/self/limits", () => {
    const limits = [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      "Max processes             unlimited            unlimited            processes ",
      "Max open files            20000                20000                files     ",
    ].join("\n");
    expect(parseOpenFiles(limits)).toEqual({ soft: 20000, hard: 20000 });
    expect(
      parseOpenFiles("Max open files            1024                 unlimited            files"),
    ).toEqual({
      soft: 1024,
      hard: null,
    });
    expect(parseOpenFiles("nothing here")).toBeNull();
  });

  it("parses ip_local_port_range", () => {
    expect(parsePortRange("32768\t60999\n")).toEqual({ min: 32768, max: 60999 });
    expect(parsePortRange("garbage")).toBeNull();
  });
});

describe("plan: a plan the machine cannot hold the sockets of", () => {
  const config = RunConfig.parse({ schemaVersion: 1, profile: "smoke", faults: "none" });

  it("fits this machine's limits and carries the estimate", () => {
    const plan = buildRunPlan(config, roomy);
    expect(plan.sockets.fits).toBe(true);
    expect(plan.sockets.sockets).toBe(plan.compiled.scenarios.reduce((sum, s) => sum + s.maxVUs, 0));
  });

  it("exits 3 with one line of cause and one of hint", () => {
    const tight: MachineLimits = {
      openFiles: { soft: 80, hard: 80 },
      localPorts: { min: 60990, max: 60999 },
    };
    try {
      buildRunPlan(config, tight);
      expect.unreachable();
    } catch (e) {
      const err = e as { exitCode: number; lines: string[] };
      expect(err.exitCode).toBe(ExitCode.environment);
      expect(err.lines).toHaveLength(2);
      expect(err.lines[0]).toMatch(/open-file limit 80/);
      expect(err.lines[0]).toMatch(/local ports of the range 60990-60999/);
      expect(err.lines[1]).toMatch(/^hint: /);
    }
  });
});
