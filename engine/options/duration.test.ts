import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("k6 durations", () => {
  it.each([
    ["1s", 1000],
    ["1.5s", 1500],
    ["250ms", 250],
    ["1m30s", 90_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["100us", 0.1],
    ["0", 0],
    ["0s", 0],
    ["1500", 1500],
    [2500, 2500],
  ] as const)("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "abc", "1x", "s", "1s2", "-1s", -5, null, {}])("%s is not a duration", (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it("prints durations as k6 does", () => {
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(3_600_000)).toBe("1h");
    expect(formatDuration(0)).toBe("0s");
  });
});
