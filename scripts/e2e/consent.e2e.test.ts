import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, configFile, root } from "../testing/run-cli.js";

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

describe("consent typed on a terminal (a real pseudo-terminal, through util-linux `script`)", () => {
  const onTerminal = (args: string, answer: string) => {
    const out = mkdtempSync(join(tmpdir(), "ph-consent-tty-"));
    const res = spawnSync(
      "script",
      ["-qec", `${process.execPath} ${join(root, "dist", "cli.js")} ${args} --out ${out}`, "/dev/null"],
      { input: `${answer}\n`, encoding: "utf8", timeout: 60_000, cwd: root },
    );
    return { code: res.status, text: res.stdout, out };
  };

  for (const [command, args] of [
    ["run", `run --config ${staging}`],
    ["gate", "gate --target https://staging.dvc.example/ --allow-host staging.dvc.example"],
  ] as const)
    it(`${command}: the question is asked after the plan; any answer but "yes" refuses (exit 2) and nothing starts`, () => {
      const { code, text, out } = onTerminal(args, "no");
      expect(code, text).toBe(2);
      expect(text).toMatch(
        /Plan: https:\/\/staging\.dvc\.example\/[\s\S]*Send this traffic to staging\.dvc\.example\? Type "yes" to go on: /,
      );
      expect(text).toMatch(/target\.baseUrl: not confirmed \(answer "no"\); nothing was sent/);
      expect(text).not.toMatch(/starting toxiproxy/);
      expect(readdirSync(out)).toEqual([]);
    });
});
