import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { generateK6Results } from "../../bench/k6-results-generator.js";
import {
  type K6Point,
  parseK6Line,
  readK6Points,
  scanK6Results,
  TimeParser,
  wantedMetrics,
} from "./k6-stream.js";

/** The reference: every line through JSON.parse. */
const slowParse = (line: string): K6Point | null => {
  const j = JSON.parse(line) as {
    type: string;
    metric: string;
    data: { time: string; value: number; tags: Record<string, string> };
  };
  if (j.type !== "Point" || !(wantedMetrics as readonly string[]).includes(j.metric)) return null;
  return {
    metric: j.metric,
    timeMs: new TimeParser().parse(j.data.time),
    value: j.data.value,
    step: j.data.tags.step,
    province: j.data.tags.province,
    status: j.data.tags.status,
    expectedResponse: j.data.tags.expected_response,
    retryAfter: j.data.tags.retry_after,
  };
};

describe("k6 JSON results", () => {
  let dir: string;
  let plain: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "k6-stream-"));
    plain = join(dir, "results.json");
    await generateK6Results(plain, {
      bytes: 2_000_000,
      rps: 200,
      seed: 3,
      t0Ms: Date.parse("2026-07-01T01:00:00Z"),
    });
  });

  it("parses every line as JSON.parse would, without calling it", () => {
    const times = new TimeParser();
    let compared = 0;
    for (const line of readFileSync(plain, "utf8").split("\n")) {
      if (line === "") continue;
      const ref = slowParse(line);
      expect(parseK6Line(line, times)).toEqual(ref);
      if (ref) compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("reads gzipped and plain files alike, and tolerates a torn last line", async () => {
    const text = readFileSync(plain, "utf8");
    const gz = join(dir, "results.json.gz");
    writeFileSync(gz, gzipSync(`${text}{"metric":"http_req_duration","type":"Po`));
    const a: K6Point[] = [];
    const b: K6Point[] = [];
    await scanK6Results(plain, (p) => a.push(p));
    const stats = await scanK6Results(gz, (p) => b.push(p));
    expect(b).toEqual(a);
    expect(stats.points).toBe(a.length);
    let n = 0;
    for await (const _ of readK6Points(gz)) n++;
    expect(n).toBe(a.length);
  });

  it("reads nanosecond times in any zone, and other line shapes through JSON.parse", () => {
    const times = new TimeParser();
    expect(times.parse("2026-07-01T08:00:00.123456789+07:00")).toBeCloseTo(
      Date.parse("2026-07-01T01:00:00.123Z") + 0.456789,
      6,
    );
    expect(times.parse("2026-07-01T01:00:01Z")).toBe(Date.parse("2026-07-01T01:00:01Z"));
    const reordered =
      '{"type":"Point","metric":"http_req_failed","data":{"tags":{"step":"submit","province":"H01","status":"503"},"value":1,"time":"2026-07-01T01:00:00.5Z"}}';
    expect(parseK6Line(reordered, times)).toMatchObject({
      metric: "http_req_failed",
      value: 1,
      step: "submit",
      status: "503",
    });
    expect(parseK6Line('{"metric":"http_req_blocked","type":"Point","data":{}}', times)).toBeNull();
  });
});
