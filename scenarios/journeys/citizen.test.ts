import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dossierCodePattern } from "../../mocks/contract/common.js";
import type { K6Plan } from "../lib/plan.js";
import { requests, type StubRequest, setHandler } from "../testing/k6-stubs/http.js";
import { recorded, resetK6 } from "../testing/k6-stubs/k6.js";
import { samples } from "../testing/k6-stubs/metrics.js";
import { browse, submit } from "./citizen.js";

const plan: K6Plan = {
  runId: "r1",
  baseUrl: "http://127.0.0.1:1",
  seed: 7,
  pollsPerSubmission: 2,
  requestTimeoutS: 10,
  fatal: { errorRate: 0.5, p99Ms: 30_000, graceS: 10 },
  provinces: { count: 34 },
  scenarios: [],
};

const catalogue = {
  items: [
    { code: "1.000001", name: "a", level: "province", feeVnd: 10_000 },
    { code: "1.000002", name: "b", level: "commune", feeVnd: 0 },
  ],
  total: 2,
};

const dossier = (n: number) => ({ code: `000.00.00.H01-250701-${String(n).padStart(4, "0")}`, status: 1 });

let logged: string[] = [];
beforeEach(() => {
  resetK6();
  samples.length = 0;
  logged = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    logged.push(line);
  });
});
afterEach(() => vi.restoreAllMocks());

const posts = () => requests.filter((r) => r.method === "POST");
const records = () =>
  logged.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.ph === "dossier");

describe("citizen submission journey (k6 stubbed)", () => {
  it("submits once, records the acknowledged code, then polls its status with backoff", () => {
    setHandler((req: StubRequest) => {
      if (req.url.includes("/procedures")) return { status: 200, body: catalogue };
      if (req.method === "POST") return { status: 201, body: dossier(1) };
      return { status: 200, body: dossier(1) };
    });
    submit(plan);
    expect(posts()).toHaveLength(1);
    const body = JSON.parse(posts()[0]?.body ?? "{}") as {
      applicant: { citizenId: string };
      agencyCode: string;
    };
    expect(body.applicant.citizenId).toMatch(/^999\d{9}$/); // synthetic citizen ids only
    expect(posts()[0]?.params.headers?.["idempotency-key"]).toMatch(/^r1-1-/);
    expect(records()).toEqual([
      expect.objectContaining({ kind: "acknowledged", code: dossier(1).code, attempts: 1 }),
    ]);
    expect(String(records()[0]?.code)).toMatch(dossierCodePattern);
    const polls = requests.filter((r) => r.method === "GET" && r.url.includes("/dossiers/"));
    expect(polls).toHaveLength(2);
    expect(polls[0]?.params.tags).toMatchObject({ journey: "citizen", step: "status" });
    expect(recorded.sleeps).toEqual([0.2, 0.4]);
    expect(samples.filter((m) => m.metric === "dossiers_acknowledged")).toHaveLength(1);
    expect(samples.find((m) => m.metric === "dossier_ack_ms")?.tags).toMatchObject({ step: "submit" });
  });

  it("retries a shed submission with the same idempotency key, honouring Retry-After", () => {
    let n = 0;
    setHandler((req) => {
      if (req.url.includes("/procedures")) return { status: 200, body: catalogue };
      if (req.method === "POST") {
        n++;
        return n < 3 ? { status: 503, headers: { "Retry-After": "1" } } : { status: 201, body: dossier(2) };
      }
      return { status: 200, body: dossier(2) };
    });
    submit(plan);
    const keys = posts().map((p) => p.params.headers?.["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(recorded.sleeps.slice(0, 2)).toEqual([1, 1]);
    expect(records()[0]).toMatchObject({ kind: "acknowledged", attempts: 3 });
  });

  it("does not retry a request the portal rejected as invalid, and records it unacknowledged", () => {
    setHandler((req) =>
      req.url.includes("/procedures")
        ? { status: 200, body: catalogue }
        : { status: 400, body: { error: {} } },
    );
    submit(plan);
    expect(posts()).toHaveLength(1);
    expect(records()).toEqual([expect.objectContaining({ kind: "unacknowledged", attempts: 1 })]);
    expect(recorded.checks).toContainEqual(
      expect.objectContaining({ name: "dossier acknowledged", passed: false }),
    );
  });

  it("caps a long Retry-After so a VU is not held for minutes", () => {
    setHandler((req) =>
      req.url.includes("/procedures")
        ? { status: 200, body: catalogue }
        : { status: 429, headers: { "Retry-After": "120" } },
    );
    submit(plan);
    expect(posts()).toHaveLength(3);
    expect(Math.max(...recorded.sleeps)).toBeLessThanOrEqual(2);
  });
});

describe("citizen browse journey (k6 stubbed)", () => {
  it("makes one tagged request per iteration", () => {
    setHandler(() => ({ status: 200, body: catalogue }));
    for (let i = 0; i < 20; i++) browse(plan);
    expect(requests).toHaveLength(20);
    for (const r of requests) expect(r.params.tags).toMatchObject({ journey: "citizen", step: "browse" });
    expect(requests.every((r) => /province/.test(JSON.stringify(r.params.tags)))).toBe(true);
  });
});
