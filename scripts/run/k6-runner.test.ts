import { describe, expect, it } from "vitest";
import { k6Arguments, k6Environment, k6Files } from "./k6-runner.js";

describe("k6 never calls home", () => {
  it("runs with the usage report off by flag and by environment, and extension resolution off", () => {
    const env = k6Environment({ K6_NO_USAGE_REPORT: "false", K6_AUTO_EXTENSION_RESOLUTION: "true" });
    expect(env.K6_NO_USAGE_REPORT).toBe("true");
    expect(env.K6_AUTO_EXTENSION_RESOLUTION).toBe("false");
    const args = k6Arguments("script.js", k6Files("/run"), 12345);
    expect(args).toContain("--no-usage-report");
  });

  it("starts paused with its REST API on loopback only", () => {
    const args = k6Arguments("script.js", k6Files("/run"), 12345);
    expect(args).toContain("--paused");
    expect(args[args.indexOf("--address") + 1]).toBe("127.0.0.1:12345");
  });
});
