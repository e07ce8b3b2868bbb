import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationIds } from "../contract/operations.js";
import { type Exchange, exerciseContract, type Send } from "./testing/contract-cases.js";
import { type InProcessMock, startInProcessMock } from "./testing/in-process.js";

/** The contract walk against the whole mock in one process, through `inject()` (no sockets for the entry). */
describe("portal contract (in-process mock, inject)", () => {
  let mock: InProcessMock;
  beforeAll(async () => {
    mock = await startInProcessMock();
  });
  afterAll(async () => mock?.close());

  it("every operation answers with a declared status and a body that matches its schema", async () => {
    const appFor = (server: string) => {
      const name = server === "national" ? "national-sync" : server;
      const app =
        name === "gateway" ? mock.gateway : mock.parts.get(name as "payment" | "national-sync")?.app;
      if (!app) throw new Error(`no app for ${server}`);
      return app;
    };
    const send: Send = async (server, method, path, init = {}) => {
      const res = await appFor(server).inject({
        method,
        url: path,
        headers: {
          ...(init.body !== undefined || init.rawBody !== undefined
            ? { "content-type": "application/json" }
            : {}),
          ...init.headers,
        },
        ...(init.rawBody !== undefined
          ? { payload: init.rawBody }
          : init.body !== undefined
            ? { payload: JSON.stringify(init.body) }
            : {}),
      });
      let body: unknown = null;
      try {
        body = res.json();
      } catch {
        body = null;
      }
      return {
        status: res.statusCode,
        headers: res.headers as Exchange["headers"],
        body,
        text: res.body,
      };
    };
    const seen = await exerciseContract(send);
    const missing = operationIds.filter((id) => ![...(seen.get(id) ?? [])].some((s) => s >= 200 && s < 300));
    expect(missing, "operations never answered with success").toEqual([]);
  });
});
