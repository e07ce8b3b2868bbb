import { describe, expect, it } from "vitest";
import { Admission } from "./admission.js";

describe("bounded admission", () => {
  it("admits up to maxInFlight, queues up to maxQueue, sheds the rest at once", async () => {
    const a = new Admission({ maxInFlight: 2, maxQueue: 1, maxQueueWaitMs: null });
    const r1 = await a.acquire();
    const r2 = await a.acquire();
    const queued = a.acquire();
    expect(await a.acquire()).toBeNull();
    expect(a.stats).toMatchObject({ inFlight: 2, queued: 1, shed: 1, shedQueueFull: 1 });
    r1?.();
    const r3 = await queued;
    expect(r3).not.toBeNull();
    r2?.();
    r3?.();
    expect(a.stats).toMatchObject({ inFlight: 0, queued: 0, admitted: 3, peakQueued: 1 });
  });

  it("a request that waits longer than maxQueueWaitMs is shed (within 30 ms of its deadline)", async () => {
    const a = new Admission({ maxInFlight: 1, maxQueue: 10, maxQueueWaitMs: 40 });
    const held = await a.acquire();
    const started = performance.now();
    expect(await a.acquire()).toBeNull();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(70);
    expect(a.stats.shedDeadline).toBe(1);
    held?.();
    expect(await a.acquire()).not.toBeNull();
  });

  it("releasing twice frees one slot only", async () => {
    const a = new Admission(1, 0);
    const r = await a.acquire();
    r?.();
    r?.();
    expect(a.stats.inFlight).toBe(0);
    await a.acquire();
    expect(await a.acquire()).toBeNull();
  });

  it("unbounded: never sheds, however long the queue", async () => {
    const a = new Admission({ maxInFlight: 1, maxQueue: Number.POSITIVE_INFINITY, maxQueueWaitMs: null });
    const first = await a.acquire();
    const waiting = Array.from({ length: 1000 }, () => a.acquire());
    expect(a.stats).toMatchObject({ queued: 1000, shed: 0 });
    first?.();
    for (const w of waiting) (await w)?.();
    expect(a.stats).toMatchObject({ queued: 0, shed: 0, admitted: 1001 });
  });
});
