import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatValue, pointTail, ResultsWriter } from "./results-writer.js";

describe("formatValue", () => {
  it("prints every value exactly as String(v) does", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values: number[] = [
      0,
      -0,
      1,
      -1,
      0.5,
      1e-6,
      -1e-6,
      1e-7,
      0.1 + 0.2,
      1 / 3,
      999_999_999.999999,
      1e9 + 0.5,
      1e21,
      2 ** 53 + 2,
      123.000001,
      0.000999,
      0.00001,
      5e-324,
      Number.MAX_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      18.775974,
      0.274717,
      1796280317211,
    ];
    for (let i = 0; i < 200_000; i++) {
      const scale = 10 ** Math.floor(rnd() * 12 - 3);
      const raw = (rnd() - 0.2) * scale;
      // Durations as the engine rounds them (nanoseconds in milliseconds), and raw doubles.
      values.push(Math.round(raw * 1e6) / 1e6, raw, Math.round(raw));
    }
    const wrong = values.filter((v) => formatValue(v) !== String(v));
    expect(wrong.map((v) => [v, formatValue(v)])).toEqual([]);
  });
});

describe("ResultsWriter", () => {
  it("writes Point lines byte for byte as k6's JSON output, non-ASCII tags and metric names included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "results-writer-"));
    try {
      const file = join(dir, "results.json");
      const w = new ResultsWriter(file);
      const tags = '{"check":"hồ sơ đã nhận","scenario":"citizen"}';
      w.point(w.head("http_req_duration"), "2026-12-03T06:45:17.219627441Z", 18.775974, pointTail(tags));
      w.point(w.head("thời_gian"), "2026-12-03T06:45:17.219627442Z", 2, pointTail("{}"));
      await w.close();
      const lines = readFileSync(file, "utf8").trimEnd().split("\n");
      expect(lines).toEqual([
        `{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-03T06:45:17.219627441Z","value":18.775974,"tags":${tags}}}`,
        `{"metric":"thời_gian","type":"Point","data":{"time":"2026-12-03T06:45:17.219627442Z","value":2,"tags":{}}}`,
      ]);
      expect(lines.map((l) => JSON.parse(l).data.value)).toEqual([18.775974, 2]);
      expect(w.lines).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
