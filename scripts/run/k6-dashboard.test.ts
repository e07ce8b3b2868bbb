import { describe, expect, it } from "vitest";
import { k6Environment, k6Files } from "./k6-runner.js";

describe("k6 web dashboard export", () => {
  it("exports the dashboard to the run directory without opening a port, and still never calls home", () => {
    const files = k6Files("/run");
    const env = k6Environment(
      { K6_NO_USAGE_REPORT: "false", K6_AUTO_EXTENSION_RESOLUTION: "true" },
      files.dashboard,
    );
    expect(env.K6_WEB_DASHBOARD).toBe("true");
    expect(env.K6_WEB_DASHBOARD_PORT).toBe("-1");
    expect(env.K6_WEB_DASHBOARD_EXPORT).toBe("/run/k6-dashboard.html");
    expect(env.K6_NO_USAGE_REPORT).toBe("true");
    expect(env.K6_AUTO_EXTENSION_RESOLUTION).toBe("false");
  });

  it("is off when no export file is given", () => {
    expect(k6Environment({}).K6_WEB_DASHBOARD).toBe("false");
  });
});
