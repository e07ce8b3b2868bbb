import { generateKeyPairSync } from "node:crypto";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFiles } from "../../kernel/run-files.js";
import { tempDir } from "../../kernel/testing/temp-dir.js";
import { requireTool } from "../../kernel/testing/tools.js";
import { buildCli, type FinishedRun, root, runOnce } from "../../scripts/testing/run-cli.js";
import { buildCertificate, certificatePaths, writeCertificate } from "./build.js";
import type { Battery } from "./schema.js";
import { verifyCertificate } from "./verify.js";

/** A battery a healthy run without faults can meet. */
const battery: Battery = {
  name: "certify-test",
  version: "1",
  requiredCriteria: ["load-held", "steady-error-rate", "steady-p95", "dossiers-lost"],
};

const work = tempDir("ph-certificate-e2e-");
const keyFile = (name: string) => join(work.path, name);
let run: FinishedRun;
let copies = 0;

/** The run directory copied (certificate included), so each test may spoil its own. */
const copyOfRun = (): string => {
  const dir = join(work.path, `run-${++copies}`);
  cpSync(run.runDir, dir, { recursive: true });
  return dir;
};

/** Flips the lowest bit of one byte of a file (by default the middle one). */
const flipByte = (file: string, at?: number): void => {
  const bytes = readFileSync(file);
  const i = at ?? Math.floor(bytes.length / 2);
  bytes[i] = (bytes[i] ?? 0) ^ 1;
  writeFileSync(file, bytes);
};

const writeKeys = (prefix: string): void => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeFileSync(keyFile(`${prefix}.pem`), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(keyFile(`${prefix}.pub.pem`), publicKey.export({ type: "spki", format: "pem" }));
};

beforeAll(async () => {
  requireTool("toxiproxy");
  buildCli();
  // About 25 s of load at 40 requests/s through toxiproxy into the healthy mock, no faults.
  run = runOnce([
    "run",
    "--profile",
    join(root, "examples", "profiles", "short-flat.json"),
    "--faults",
    "none",
  ]);
  writeKeys("signing");
  writeKeys("other");
  const cert = await buildCertificate(run.runDir, battery);
  writeCertificate(run.runDir, cert, { signKeyPem: keyFile("signing.pem") });
}, 300_000);

afterAll(() => {
  work[Symbol.dispose]();
  if (run) rmSync(dirname(run.runDir), { recursive: true, force: true });
});

const verify = (dir: string, publicKey = "signing.pub.pem") =>
  verifyCertificate(certificatePaths(dir).json, dir, { publicKeyPem: keyFile(publicKey) });

describe("a certificate of a real run", () => {
  it("certifies the healthy run and verifies untouched, signature included", async () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const html = readFileSync(certificatePaths(run.runDir).html, "utf8");
    expect(html).toMatch(/id="outcome">CERTIFIED</);
    expect(html).toMatch(/Ed25519, public key SHA-256/);
    const result = await verify(copyOfRun());
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const dir = copyOfRun();
    const another = await verifyCertificate(certificatePaths(dir).json, dir, {
      battery: { ...battery, version: "2" },
    });
    expect(another.problems).toEqual([
      expect.stringMatching(
        /certificate\.json: battery: issued against certify-test version 1, not certify-test version 2/,
      ),
    ]);
  });

  it("fails naming results.json.gz when one byte of the engine's results changed", async () => {
    const dir = copyOfRun();
    flipByte(runFiles(dir).results);
    const { ok, problems } = await verify(dir);
    expect(ok).toBe(false);
    expect(problems).toContainEqual(
      expect.stringMatching(/^results\.json\.gz: changed since the certificate/),
    );
  });

  it("fails naming reconciliation.json when one byte of it changed", async () => {
    const dir = copyOfRun();
    const file = runFiles(dir).reconciliation;
    flipByte(file, readFileSync(file, "utf8").search(/\d/)); // a digit: still valid JSON, another figure
    const { ok, problems } = await verify(dir);
    expect(ok).toBe(false);
    expect(problems).toContainEqual(
      expect.stringMatching(/^reconciliation\.json: changed since the certificate/),
    );
  });

  it("fails naming certificate.json when one byte of it changed, signed or not", async () => {
    const dir = copyOfRun();
    const file = certificatePaths(dir).json;
    const text = readFileSync(file, "utf8");
    const at = text.indexOf('"sha256": "') + 11; // a digit of a file's hash, changed to another hex digit
    writeFileSync(file, `${text.slice(0, at)}${text[at] === "0" ? "1" : "0"}${text.slice(at + 1)}`);
    const signed = await verify(dir);
    expect(signed.ok).toBe(false);
    expect(signed.problems).toContainEqual(expect.stringMatching(/certificate\.json: digest does not match/));
    expect(signed.problems).toContainEqual(
      expect.stringMatching(/certificate\.json: the signature does not match/),
    );
    const unsigned = await verifyCertificate(file, dir);
    expect(unsigned.problems).toContainEqual(
      expect.stringMatching(/certificate\.json: digest does not match/),
    );
  });

  it("fails a signature checked with another key, and an unsigned certificate when a key is given", async () => {
    const other = await verify(copyOfRun(), "other.pub.pem");
    expect(other.ok).toBe(false);
    expect(other.problems).toEqual([expect.stringMatching(/certificate\.json: signed with another key/)]);
    const dir = copyOfRun();
    writeCertificate(dir, await buildCertificate(dir, battery));
    const unsigned = await verify(dir);
    expect(unsigned.problems).toEqual([expect.stringMatching(/certificate\.json: not signed/)]);
    expect((await verifyCertificate(certificatePaths(dir).json, dir)).ok).toBe(true);
  });

  it("refuses to certify when a required criterion was not judged, and that certificate verifies too", async () => {
    const dir = copyOfRun();
    const cert = await buildCertificate(dir, {
      ...battery,
      requiredCriteria: ["failover", "recover-<fault>"],
    });
    expect(cert.outcome).toBe("not-certified");
    expect(cert.criteria.filter((c) => c.required).map((c) => [c.id, c.status])).toEqual([
      ["failover", "not-judged"],
      ["recover-<fault>", "not-judged"],
    ]);
    writeCertificate(dir, cert);
    expect((await verifyCertificate(certificatePaths(dir).json, dir)).problems).toEqual([]);
  });
});
