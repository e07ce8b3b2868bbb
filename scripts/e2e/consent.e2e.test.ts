import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, configFile } from "../testing/run-cli.js";

/**
 * An allowlisted staging name under the reserved `.example` domain: the refusal has to come from the consent
 * rule, before any lookup, so nothing here ever resolves or dials it.
 */
const staging = configFile({
  target: { kind: "url", baseUrl: "https://staging.dvc.example/", allowHosts: ["staging.dvc.example"] },
  faults: "none",
});

describe("consent before traffic to a target other than the mock or loopback", () => {
  it("without a terminal and without --yes: the plan is shown, then exit 2 with one cause and a hint; nothing starts", () => {
    const out = mkdtempSync(join(tmpdir(), "ph-consent-"));
    const { code, stdout, stderr } = cli(["run", "--config", staging, "--out", out], 60_000);
    expect(code, stderr).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      'target.baseUrl: staging.dvc.example is not loopback: sending it traffic needs --yes or a "yes" typed on a terminal',
      "hint: read the plan above, then rerun with --yes if it is what the target's owners agreed to",
    ]);
    expect(stdout).toMatch(
      /^Plan: https:\/\/staging\.dvc\.example\/\n {2}load: july1-peak, 60 s, peak [\d.]+ requests\/s, up to \d+ VUs\n/,
    );
    expect(stdout).toMatch(/faults \(none\): none/);
    expect(stdout).toMatch(
      /Safety limits: at most \d+ requests\/s, \d+ VUs, \d+ s and \d+ bytes sent \+ received/,
    );
    expect(stdout).not.toMatch(/starting toxiproxy/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("a host off the allowlist is refused before the plan is shown (exit 2, the field and a hint)", () => {
    const { code, stdout, stderr } = cli(
      ["run", "--target", "https://staging.dvc.example./", "--yes"],
      60_000,
    );
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      "target.baseUrl: refused: staging.dvc.example is not on the allowlist",
      expect.stringMatching(/^hint: /),
    ]);
  });
});
