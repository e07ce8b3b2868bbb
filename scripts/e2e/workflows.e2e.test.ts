import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets } from "../../kernel/secrets.js";
import { Verdict } from "../../reports/verdict/schema.js";
import { cliAsync, root } from "../testing/run-cli.js";
import { startVendorAMock, type VendorAMock } from "../testing/vendor-a-mock.js";
import { Inspection } from "../workflows/inspect.js";

/**
 * The three workflows end to end against `portal-harness mock --dialect vendor-a`, through the vendor-a
 * adapter: the bridge maps the contract onto an API that is not the contract. Known secret values go in by
 * the environment and by a file; none may appear in any file of any run directory (gzipped files unpacked)
 * or in anything the commands print.
 */
const secret = "vendor-a-e2e-secret-7f3c9a1d";
const adapter = join(root, "examples", "adapters", "vendor-a.json");
const env = { ...process.env, PH_VENDOR_A_CLIENT_SECRET: secret };
const { PH_VENDOR_A_CLIENT_SECRET: _unset, ...envWithoutSecret } = process.env;
const tmp = mkdtempSync(join(tmpdir(), "ph-workflows-"));
const printed: string[] = [];
const runDirs: string[] = [];

const run = async (args: readonly string[], withEnv: NodeJS.ProcessEnv = env) => {
  const res = await cliAsync(args, 400_000, withEnv);
  printed.push(res.stdout, res.stderr);
  return res;
};

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T;

let mock: VendorAMock;
beforeAll(async () => {
  mock = await startVendorAMock({ secret, out: join(tmp, "mock") });
  runDirs.push(mock.runDir);
});
afterAll(async () => {
  await mock?.stop();
});

describe("workflows against mock --dialect vendor-a, through its adapter", () => {
  it("gate: exit 0 on the healthy portal, JUnit with one case per criterion, Markdown, under 90 s", async () => {
    const out = join(tmp, "gate");
    const junit = join(tmp, "ci", "gate-junit.xml");
    const res = await run([
      "gate",
      "--adapter",
      adapter,
      "--target",
      mock.baseUrl,
      "--out",
      out,
      "--junit",
      junit,
      "--json",
    ]);
    const g = lastJson<{ exitCode: number; runDir: string; wallS: number; summary: string }>(res.stdout);
    runDirs.push(g.runDir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split("\n")).toHaveLength(1);
    expect(g.exitCode).toBe(0);
    const verdict = Verdict.parse(JSON.parse(readFileSync(join(g.runDir, "verdict.json"), "utf8")));
    const xml = readFileSync(junit, "utf8");
    expect((xml.match(/<testcase /g) ?? []).length).toBe(verdict.criteria.length);
    expect(xml).toContain('<property name="battery" value="gate 2026.1"/>');
    expect(readFileSync(g.summary, "utf8")).toMatch(/^# Release gate: PASSED \(exit 0\)/);
    // The vendor's metrics are read where the adapter says (metricsPath), directly, not through the bridge.
    const meta = JSON.parse(readFileSync(join(g.runDir, "run.json"), "utf8")) as {
      metrics: { url: string | null; reason: string | null };
    };
    expect(meta.metrics).toEqual({ url: `${mock.origin}/metrics`, reason: null });
    // The bench records the gate's wall time against its 90 s goal; here only a generous bound.
    expect(g.wallS).toBeLessThan(180);
  });

  it("inspect: authorisation, who, when, seed and input hashes recorded; the secret file is never hashed", async () => {
    const dir = mkdtempSync(join(tmp, "adapter-"));
    const fileAdapter = JSON.parse(readFileSync(adapter, "utf8")) as Record<string, unknown>;
    fileAdapter.secrets = { clientSecret: { file: "client-secret.txt" } };
    delete fileAdapter.$schema;
    writeFileSync(join(dir, "vendor-a.json"), JSON.stringify(fileAdapter));
    writeFileSync(join(dir, "client-secret.txt"), `${secret}\n`);
    const noEnvSecret = envWithoutSecret;
    const args = ["inspect", "--adapter", join(dir, "vendor-a.json"), "--target", mock.baseUrl];
    const res = await run(
      [
        ...args,
        "--auth-ref",
        "QD-42/2026",
        "--inspector",
        "Doan Kiem Tra",
        "--seed",
        "4242",
        "--out",
        join(tmp, "inspect"),
      ],
      noEnvSecret,
    );
    const runDir = join(tmp, "inspect", readdirSync(join(tmp, "inspect"))[0] ?? "none");
    runDirs.push(runDir);
    expect([0, 1], `${res.stdout}\n${res.stderr}`).toContain(res.code);
    const record = Inspection.parse(JSON.parse(readFileSync(join(runDir, "inspection.json"), "utf8")));
    expect(record.authorisationRef).toBe("QD-42/2026");
    expect(record.inspector).toBe("Doan Kiem Tra");
    expect(record.seed).toBe(4242);
    expect(record.target.adapter).toContain("vendor-a.json");
    expect(record.faultPlan.name).toMatch(/4242/);
    const hashed = Object.keys(record.fingerprint.inputFiles ?? {});
    expect(hashed.some((f) => f.endsWith("vendor-a.json"))).toBe(true);
    expect(hashed.some((f) => f.endsWith("scripts/batteries/inspect.json"))).toBe(true);
    expect(hashed.some((f) => f.includes("client-secret"))).toBe(false);
    expect(record.fingerprint.harnessVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(record.rerun).toContain("--seed 4242");
    expect(record.rerun).toContain("--auth-ref QD-42/2026");
    expect(readFileSync(join(runDir, "inspection.md"), "utf8")).toMatch(/^# Inspection QD-42\/2026: /);
  });

  it("certify: a signed certificate; edge faults cannot exercise failover, so not certified; --verify checks it", async () => {
    const keys = (name: string) => {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      writeFileSync(join(tmp, `${name}.pem`), privateKey.export({ type: "pkcs8", format: "pem" }));
      writeFileSync(join(tmp, `${name}.pub.pem`), publicKey.export({ type: "spki", format: "pem" }));
      return { priv: join(tmp, `${name}.pem`), pub: join(tmp, `${name}.pub.pem`) };
    };
    const vendor = keys("vendor");
    const other = keys("other");
    const args = ["certify", "--adapter", adapter, "--target", mock.baseUrl, "--sign-key", vendor.priv];
    const res = await run([...args, "--out", join(tmp, "certify"), "--json"]);
    const c = lastJson<{
      exitCode: number;
      runDir: string;
      outcome: string;
      certificate: string;
      signed: boolean;
    }>(res.stdout);
    runDirs.push(c.runDir);
    expect(res.code, res.stderr).toBe(1);
    expect(c).toMatchObject({ outcome: "not-certified", signed: true, exitCode: 1 });
    const cert = JSON.parse(readFileSync(c.certificate, "utf8")) as {
      criteria: Array<{ id: string; status: string; required: boolean; reason?: string }>;
      scale: { shareOfReferencePeak: number };
    };
    const failover = cert.criteria.find((x) => x.id === "failover");
    expect(failover).toMatchObject({ status: "not-judged", required: true });
    expect(failover?.reason).toMatch(/not exercised/);
    expect(cert.criteria.find((x) => x.id === "dossiers-lost")).toMatchObject({
      status: "passed",
      required: true,
    });
    expect(cert.scale.shareOfReferencePeak).toBeGreaterThan(0);

    const verify = (pub: string) =>
      cliAsync(["certify", "--verify", c.certificate, c.runDir, "--public-key", pub]);
    const good = await verify(vendor.pub);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/^verified: .*signature good/);
    const wrongKey = await verify(other.pub);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/NOT VERIFIED: .*signed with another key/);
    const file = join(c.runDir, "reconciliation.json");
    const text = readFileSync(file, "utf8");
    const at = text.search(/\d/);
    writeFileSync(file, `${text.slice(0, at)}${text[at] === "9" ? "8" : "9"}${text.slice(at + 1)}`);
    const tampered = await verify(vendor.pub);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/NOT VERIFIED: .*reconciliation\.json/);
    writeFileSync(file, text);
  });

  it("no secret in any file of any run directory, compressed ones unpacked, nor in the console", async () => {
    expect(runDirs.length).toBeGreaterThanOrEqual(4);
    for (const dir of runDirs) expect(await findSecrets(dir, { clientSecret: secret }), dir).toEqual([]);
    // The scan itself finds a planted value (so an empty result means something).
    writeFileSync(join(tmp, "planted.txt"), `x ${secret} y`);
    expect(await findSecrets(tmp, { clientSecret: secret })).toContainEqual({
      file: "planted.txt",
      name: "clientSecret",
    });
    for (const text of printed) expect(text).not.toContain(secret);
  });
});

describe("certify against the built-in mock, whose parts the harness faults", () => {
  it("the healthy mock is certified: every required criterion judged and passed, none failed", async () => {
    const out = join(tmp, "certify-mock");
    const res = await run(["certify", "--out", out, "--json"]);
    const c = lastJson<{
      exitCode: number;
      runDir: string;
      outcome: string;
      required: Array<{ result: string }>;
    }>(res.stdout);
    expect(res.code, `${c.outcome}: ${JSON.stringify(c.required)}`).toBe(0);
    expect(c.outcome).toBe("certified");
    expect(c.required.length).toBeGreaterThanOrEqual(15);
    expect(c.required.every((r) => r.result === "passed")).toBe(true);
    const verify = await cliAsync(["certify", "--verify", join(c.runDir, "certificate.json"), c.runDir]);
    expect(verify.code, verify.stdout).toBe(0);
  });
});

describe("bad input to every workflow: one line naming the cause, a hint, exit 2 or 3, nothing sent", () => {
  const cases: Array<{
    name: string;
    args: (w: string) => string[];
    env?: NodeJS.ProcessEnv;
    code: number;
    cause: RegExp;
  }> = [
    {
      name: "unknown battery",
      args: (w) => [w, "--battery", "no-such-battery"],
      code: 2,
      cause: /unknown battery "no-such-battery"/,
    },
    {
      name: "invalid adapter",
      args: (w) => [w, "--adapter", join(tmp, "bad-adapter.json"), "--target", "http://127.0.0.1:9/x"],
      code: 2,
      cause: /bad-adapter\.json: .*envelope/,
    },
    {
      name: "missing secret",
      args: (w) => [w, "--adapter", adapter, "--target", "http://127.0.0.1:9/vendor-a/api/v2"],
      env: envWithoutSecret,
      code: 2,
      cause: /PH_VENDOR_A_CLIENT_SECRET/,
    },
    {
      name: "target port not answering",
      args: (w) => [w, "--adapter", adapter, "--target", "http://127.0.0.1:9/vendor-a/api/v2"],
      code: 3,
      cause: /did not answer|not answer|refused/i,
    },
  ];

  beforeAll(() => {
    const bad = JSON.parse(readFileSync(adapter, "utf8")) as Record<string, unknown>;
    bad.envelope = { data: 7 };
    delete bad.$schema;
    writeFileSync(join(tmp, "bad-adapter.json"), JSON.stringify(bad));
  });

  for (const w of ["inspect", "certify", "gate"])
    for (const c of cases)
      it(`${w}: ${c.name} → exit ${c.code}`, async () => {
        const extra = w === "inspect" ? ["--auth-ref", "QD-1"] : [];
        const res = await cliAsync(
          [...c.args(w), ...extra, "--out", join(tmp, "bad")],
          120_000,
          c.env ?? env,
        );
        expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(c.code);
        const lines = res.stderr.trim().split("\n");
        expect(lines[0]).toMatch(c.cause);
        expect(
          lines.some((l) => l.startsWith("hint:")),
          res.stderr,
        ).toBe(true);
        expect(res.stderr).not.toMatch(/\n\s+at /);
      });
});
