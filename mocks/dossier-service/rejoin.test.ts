import { describe, expect, it } from "vitest";
import { FollowerFeed } from "./rejoin.js";
import { DossierStore, type StoreOp } from "./store.js";

const at = new Date("2025-07-01T03:00:00Z");
const request = (agencyCode = "000.00.00.H12") => ({
  procedureCode: "1.001612",
  agencyCode,
  applicant: { citizenId: "999000000001", fullName: "A" },
  attachments: [],
  fees: [],
});
const op = (seq: number): StoreOp => ({ seq, kind: "delivered", messageIds: [] });

/** Whether a promise has settled by the next turn of the event loop. */
const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
};

describe("failback: the follower feed and store snapshots", () => {
  it("a write is replicated only once the follower's next pull says it applied it", async () => {
    const feed = new FollowerFeed();
    const write = feed.enqueue(op(5));
    expect(await feed.next(0, 10)).toEqual([op(5)]);
    expect(await settled(write)).toBe(false);
    expect(feed.lag).toBe(1);
    expect(await feed.next(5, 10)).toEqual([]);
    expect(await settled(write)).toBe(true);
    expect(feed.lag).toBe(0);
  });

  it("a waiting pull returns as soon as an op is queued, not at the end of its wait", async () => {
    const feed = new FollowerFeed();
    const started = performance.now();
    const pull = feed.next(0, 5000);
    void feed.enqueue(op(1));
    expect(await pull).toEqual([op(1)]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("writes waiting on a replaced feed wait on the new one", async () => {
    const old = new FollowerFeed();
    const write = old.enqueue(op(3));
    const fresh = new FollowerFeed(old.takeWaiters());
    await fresh.next(3, 10);
    expect(await settled(write)).toBe(true);
  });

  it("a snapshot installed elsewhere rebuilds the store: dossiers, keys, counters and sequence", () => {
    const primary = new DossierStore(() => at);
    primary.submit(request(), "key-1");
    primary.submit(request(), "key-2");
    primary.promote(100);
    const follower = new DossierStore(() => at);
    follower.submit(request("000.00.09.H12"), "stale-key");
    follower.install(primary.snapshot());
    expect(follower.size).toBe(2);
    expect(follower.findByKey("stale-key")).toBeUndefined();
    expect(follower.findByKey("key-2")?.code).toBe("000.00.00.H12-250701-0002");
    expect(follower.lastSeq).toBe(primary.lastSeq);
    // The counters (moved by the promotion) come along: the next code is the one the primary would give.
    const next = follower.submit(request(), "key-3");
    expect(next.kind === "created" ? next.dossier.code : next.kind).toBe("000.00.00.H12-250701-0103");
    const other = follower.submit(request("000.00.07.H12"), "key-4");
    expect(other.kind === "created" ? other.dossier.code : other.kind).toBe("000.00.07.H12-250701-0101");
  });
});
