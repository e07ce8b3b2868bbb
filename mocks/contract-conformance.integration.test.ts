import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../chaos/testing/mock-stack.js";
import { renderOpenApi } from "../contract/openapi.js";
import { operationIds } from "../contract/operations.js";
import { exerciseContract, httpSend } from "./testing/contract-cases.js";

/** The contract walk against the real mock: one process per part, every call through toxiproxy links. */
describe("portal contract (process per part, through toxiproxy)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.close());

  it("the gateway serves the checked-in OpenAPI document at /openapi.json", async () => {
    const res = await fetch(`${stack.citizenUrl}/openapi.json`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(renderOpenApi());
  });

  it("every operation in the OpenAPI document is exercised and answers per its schemas", async () => {
    const send = httpSend({
      gateway: stack.citizenUrl,
      national: stack.linkUrls["province-national"] ?? "",
      payment: stack.linkUrls["gateway-payment"] ?? "",
    });
    const seen = await exerciseContract(send);
    const missing = operationIds.filter((id) => ![...(seen.get(id) ?? [])].some((s) => s >= 200 && s < 300));
    expect(missing, "operations never answered with success").toEqual([]);
  });

  it("officers reach the same portal through their own link", async () => {
    const res = await fetch(`${stack.officerUrl}/api/v1/meetings/HOP-002`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
  });
});
