import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../kernel/paths.js";
import { contractVersion } from "./common.js";
import { buildOpenApi, renderOpenApi } from "./openapi.js";
import { operationIds, operations } from "./operations.js";

describe("OpenAPI document of the portal contract", () => {
  it("the checked-in mocks/openapi.json is what the zod schemas generate (run `npm run openapi` if not)", () => {
    const checkedIn = readFileSync(join(projectRoot(), "mocks", "openapi.json"), "utf8");
    expect(checkedIn === renderOpenApi(), "mocks/openapi.json is stale: run `npm run openapi`").toBe(true);
  });

  it("is OpenAPI 3.1, carries the contract version and lists every operation once", () => {
    const doc = buildOpenApi() as {
      openapi: string;
      info: { version: string };
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.version).toBe(contractVersion);
    const listed = Object.values(doc.paths).flatMap((byMethod) =>
      Object.values(byMethod).map((o) => o.operationId),
    );
    expect(listed.sort()).toEqual([...operationIds].sort());
  });

  it("every response references a published schema and every operation declares a 4xx", () => {
    const doc = buildOpenApi() as {
      components: { schemas: Record<string, unknown> };
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> }
        >
      >;
    };
    for (const byMethod of Object.values(doc.paths))
      for (const op of Object.values(byMethod))
        for (const response of Object.values(op.responses)) {
          const ref = response.content["application/json"]?.schema.$ref ?? "";
          expect(doc.components.schemas[ref.replace("#/components/schemas/", "")]).toBeDefined();
        }
    const without4xx = operationIds.filter(
      (id) => !Object.keys(operations[id].responses).some((s) => Number(s) >= 400 && Number(s) < 500),
    );
    // Discovery documents take no input that could be bad.
    expect(without4xx.sort()).toEqual(["jwks", "oidcConfiguration", "syncStatus"]);
  });
});
