import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reconciliation, reconcile } from "./reconcile.js";
import type { DossierRecord } from "./records.js";
import { firstIllegalStep } from "./transitions.js";

const at = (s: number) => new Date(Date.parse("2026-07-01T01:00:00Z") + s * 1000).toISOString();

describe("status transitions", () => {
  it.each([
    [[1, 2, 4, 9, 10], null],
    [[1, 1, 2], null],
    [[2, 4, 5, 4, 6, 4, 9], null],
    [[1, 4], "1 → 4"],
    [[1, 2, 4, 9, 4], "9 → 4"],
    [[4, 9], "starts at 4"],
    [[1, 3, 2], "3 → 2"],
  ])("%j → %s", (statuses, expected) => {
    expect(firstIllegalStep(statuses.map((status, i) => ({ status, at: at(i) })))).toBe(expected);
  });

  it("a step back in time, or a status that disagrees with the history, is illegal", () => {
    expect(
      firstIllegalStep([
        { status: 1, at: at(5) },
        { status: 2, at: at(1) },
      ]),
    ).toMatch(/back in time/);
    expect(firstIllegalStep([{ status: 1, at: at(0) }], 4)).toMatch(/differs/);
  });
});

/** A tiny portal speaking the contract's two lookups, with dossiers seeded per test. */
const dossiers = new Map<
  string,
  { code: string; idempotencyKey: string; status: number; history: Array<{ status: number; at: string }> }
>();
let server: Server;
let baseUrl: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const byCode = /^\/api\/v1\/dossiers\/(.+)$/.exec(url.pathname);
    res.setHeader("content-type", "application/json");
    if (byCode) {
      const d = dossiers.get(decodeURIComponent(byCode[1] ?? ""));
      res.statusCode = d ? 200 : 404;
      res.end(JSON.stringify(d ?? { error: { code: "DOSSIER_NOT_FOUND", message: "no" } }));
      return;
    }
    if (url.pathname === "/api/v1/dossiers") {
      const key = url.searchParams.get("idempotencyKey");
      res.end(JSON.stringify({ items: [...dossiers.values()].filter((d) => d.idempotencyKey === key) }));
      return;
    }
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const record = (key: string, code?: string): DossierRecord => ({
  ph: "dossier",
  kind: code ? "acknowledged" : "unacknowledged",
  key,
  ...(code ? { code } : {}),
  at: 0,
  attempts: 1,
  province: "H01",
});
const code = (n: number) => `000.00.00.H01-260701-${String(n).padStart(4, "0")}`;

describe("reconciliation through the portal's lookup API", () => {
  it("a healthy portal: every acknowledged dossier found, none duplicated, no illegal move", async () => {
    dossiers.clear();
    for (let i = 1; i <= 20; i++)
      dossiers.set(code(i), {
        code: code(i),
        idempotencyKey: `key-0000${i}`,
        status: 1,
        history: [{ status: 1, at: at(0) }],
      });
    const s = await reconcile(
      [
        ...Array.from({ length: 20 }, (_, i) => record(`key-0000${i + 1}`, code(i + 1))),
        record("key-lost-000"),
      ],
      { baseUrl },
    );
    expect(s).toMatchObject({
      submitted: 21,
      acknowledged: 20,
      found: 20,
      lost: 0,
      duplicated: 0,
      illegalTransitions: 0,
      lookupErrors: 0,
    });
    expect(s.stuck).toBeNull(); // nothing progressed: stuck cannot be told from unprocessed
  });

  it("finds lost, duplicated, illegal and stuck dossiers, with example codes", async () => {
    dossiers.clear();
    dossiers.set(code(1), {
      code: code(1),
      idempotencyKey: "key-dup-001",
      status: 1,
      history: [{ status: 1, at: at(0) }],
    });
    dossiers.set(code(2), {
      code: code(2),
      idempotencyKey: "key-dup-001",
      status: 1,
      history: [{ status: 1, at: at(1) }],
    });
    dossiers.set(code(3), {
      code: code(3),
      idempotencyKey: "key-bad-003",
      status: 4,
      history: [
        { status: 1, at: at(0) },
        { status: 4, at: at(2) },
      ],
    });
    dossiers.set(code(4), {
      code: code(4),
      idempotencyKey: "key-ok--004",
      status: 10,
      history: [1, 2, 4, 9, 10].map((status, i) => ({ status, at: at(i) })),
    });
    const s = await reconcile(
      [
        record("key-dup-001", code(1)),
        record("key-bad-003", code(3)),
        record("key-ok--004", code(4)),
        record("key-gone-05", code(5)),
      ],
      { baseUrl, stuckAfterS: 30, now: () => Date.parse(at(100)) },
    );
    expect(s.lost).toBe(1);
    expect(s.examples.lost).toEqual([code(5)]);
    expect(s.duplicated).toBe(1);
    expect(s.examples.duplicated).toEqual([`${code(1)} + ${code(2)}`]);
    expect(s.illegalTransitions).toBe(1);
    expect(s.examples.illegal[0]).toContain("1 → 4");
    // Dossier 4 progressed, so the run shows processing. Dossier 3 was taken up (1 → 4), then sat still for
    // 98 s: stuck. Dossiers 1 and 2 were never taken up: unprocessed, not stuck.
    expect(s.stuck).toBe(1);
    expect(s.examples.stuck[0]).toContain(code(3));
    expect(s.notes.join(" ")).toMatch(/still at their first status/);
  });

  it("a code handed to two submissions, or found carrying another submission's key, is shared, named by code", async () => {
    dossiers.clear();
    for (const [n, key] of [
      [1, "key-own-0001"],
      [2, "key-own-0002"],
      [3, "key-own-0003"],
    ] as const)
      dossiers.set(code(n), {
        code: code(n),
        idempotencyKey: key,
        status: 1,
        history: [{ status: 1, at: at(0) }],
      });
    const s = await reconcile(
      [
        record("key-own-0001", code(1)),
        // the portal acknowledged this submission with dossier 1's code
        record("key-other-01", code(1)),
        record("key-own-0002", code(2)),
        // only this submission holds code 3, but the dossier behind it is another submission's
        record("key-thief-03", code(3)),
      ],
      { baseUrl },
    );
    expect(s.codeShared).toBe(2);
    expect(s.examples.codeShared).toEqual([
      `${code(1)} (keys key-other-01 + key-own-0001)`,
      `${code(3)} (keys key-own-0003 + key-thief-03)`,
    ]);
    expect(s).toMatchObject({ found: 4, lost: 0, duplicated: 0, lookupErrors: 0 });
  });

  it("a portal whose codes each belong to one submission shares none", async () => {
    dossiers.clear();
    dossiers.set(code(1), { code: code(1), idempotencyKey: "key-own-0001", status: 1, history: [] });
    const s = await reconcile([record("key-own-0001", code(1))], { baseUrl });
    expect(s.codeShared).toBe(0);
    expect(s.examples.codeShared).toEqual([]);
  });

  it("is rate-limited and bounded: an unreachable portal ends as lookup errors, not a hang", async () => {
    const before = requests;
    const started = Date.now();
    const s = await reconcile([record("key-zzzzz1", code(9))], {
      baseUrl: "http://127.0.0.1:9",
      timeoutMs: 200,
    });
    expect(s.lookupErrors).toBe(2);
    expect(s.lost).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(requests).toBe(before);
  });
});

describe("reconciliation.json", () => {
  it("reads a file saved before code ownership, national sync and payments were checked", () => {
    const old = {
      schemaVersion: 1,
      portal: "http://127.0.0.1:1",
      startedAt: at(0),
      finishedAt: at(1),
      stuckAfterS: 60,
      summary: {
        submitted: 2,
        acknowledged: 2,
        found: 2,
        lost: 0,
        duplicated: 0,
        stuck: null,
        illegalTransitions: 0,
        examples: { lost: [], duplicated: [], malformed: [] },
        lookupErrors: 0,
        notes: [],
      },
    };
    const r = Reconciliation.parse(old);
    expect(r.summary.codeShared).toBeUndefined();
    expect(r.national).toBeUndefined();
    expect(r.payments).toBeUndefined();
    expect(r.summary.examples.stuck).toEqual([]);
  });
});
