import { z } from "zod";
import { contractVersion, ErrorBody } from "./common.js";
import { Dossier, DossierList } from "./dossier.js";
import { errorCatalogue } from "./errors.js";
import { type OperationSpec, operations } from "./operations.js";
import { Payment } from "./payment.js";
import { DocumentRecord, Meeting } from "./platforms.js";

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: "input" | "output"): Json => {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  return out;
};

const parameters = (spec: OperationSpec): Json[] => {
  const out: Json[] = [];
  const add = (where: "path" | "query" | "header", object: z.ZodObject | undefined) => {
    if (!object) return;
    for (const [name, field] of Object.entries(object.shape)) {
      const schema = field as z.ZodType;
      out.push({
        name,
        in: where,
        required: where === "path" || !schema.safeParse(undefined).success,
        schema: schemaOf(schema, "input"),
      });
    }
  };
  add("path", spec.params);
  add("query", spec.query);
  add("header", spec.headers);
  return out;
};

const servers: Record<OperationSpec["server"], string> = {
  gateway: "The portal gateway (what the harness drives)",
  national: "The national portal's integration services (reached by the provincial outbox)",
  payment: "The payment platform (reached by the portal)",
};

/** Response schemas many operations share: published once under components.schemas and referenced. */
const shared: ReadonlyArray<[string, z.ZodType]> = [
  ["ErrorBody", ErrorBody],
  ["Dossier", Dossier],
  ["DossierList", DossierList],
  ["Payment", Payment],
  ["DocumentRecord", DocumentRecord],
  ["Meeting", Meeting],
];

/** The OpenAPI 3.1 document of the portal contract, generated from the zod schemas only. */
export const buildOpenApi = (): Json => {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  for (const [id, schema] of shared) {
    registry.add(schema, { id });
    idOf.set(schema, id);
  }
  for (const [operationId, spec] of Object.entries(operations) as Array<[string, OperationSpec]>)
    for (const [status, response] of Object.entries(spec.responses))
      if (!idOf.has(response.schema)) {
        const id = `${operationId}_${status}`;
        registry.add(response.schema, { id });
        idOf.set(response.schema, id);
      }
  const converted = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "output",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  const components: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(converted.schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema;
    components[id] = rest;
  }
  const paths: Record<string, Record<string, Json>> = {};
  for (const [operationId, spec] of Object.entries(operations) as Array<[string, OperationSpec]>) {
    const responses: Json = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                response.headers.map((h) => [h, { schema: { type: "string" }, required: true }]),
              ),
            }
          : {}),
        content: {
          "application/json": { schema: { $ref: `#/components/schemas/${idOf.get(response.schema)}` } },
        },
      };
    }
    const params = parameters(spec);
    const entry: Json = {
      operationId,
      tags: [spec.tag],
      summary: spec.summary,
      "x-served-by": spec.server,
      ...(spec.server === "gateway" ? {} : { servers: [{ url: "/", description: servers[spec.server] }] }),
      ...(spec.auth ? { security: [{ bearer: [] }] } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaOf(spec.body, "input") } },
            },
          }
        : {}),
      responses,
    };
    const byMethod = paths[spec.path] ?? {};
    byMethod[spec.method] = entry;
    paths[spec.path] = byMethod;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Public service portal contract (portal-harness)",
      version: contractVersion,
      description:
        "The HTTP API the harness drives. Any portal that implements it can be tested; the mock portal is its reference implementation. Errors are `{error: {code, message}}` with codes from x-error-codes.",
    },
    servers: [{ url: "/", description: servers.gateway }],
    "x-error-codes": errorCatalogue,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    paths,
  };
};

export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
