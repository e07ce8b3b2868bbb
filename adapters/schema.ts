import { z } from "zod";
import { type OperationId, operations } from "../contract/operations.js";
import { SecretName, SecretSource } from "../kernel/secrets.js";

/**
 * The adapter file: how a vendor's API maps onto the portal contract (adapters/README.md). Strict at every
 * level, so a misspelt field is refused rather than ignored; a secret can only be referenced, by name.
 */

/** The gateway operations the bridge serves (the contract's other servers are the portal's own partners). */
export const gatewayOperationIds = (Object.keys(operations) as OperationId[]).filter(
  (id) => operations[id].server === "gateway",
);

/** What the journeys and the dossier reconciler call: an adapter must map every one of them. */
export const requiredOperations = [
  "searchProcedures",
  "getProcedure",
  "authorize",
  "token",
  "getCitizen",
  "submitDossier",
  "getDossier",
  "findDossiersByKey",
  "transitionDossier",
  "createPayment",
  "confirmPayment",
  "getPayment",
  "nationalDossier",
] as const satisfies readonly OperationId[];

export const SecretRef = z.object({ secret: SecretName }).strict();
export type SecretRef = z.infer<typeof SecretRef>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const VendorPath = z.string().regex(/^\/[^?#\s]*$/, "a path starting with / (no query, no spaces)");
/** Header names match in any case (the bridge compares them in lower case). */
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "an HTTP header name");

/** A one-to-one map: no two keys share a value, so the reverse map is exact. */
const oneToOne = <V extends z.ZodType<string>>(value: V, what: string) =>
  z.record(z.string().min(1), value).superRefine((map, ctx) => {
    const seen = new Map<string, string>();
    for (const [key, v] of Object.entries(map)) {
      const first = seen.get(v);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${what} "${v}" is already the one for "${first}": the map must be one-to-one`,
        });
      else seen.set(v, key);
    }
  });

export const Headers = z
  .object({
    /** Sent on every vendor call (the sign-in included); a value may be a secret reference. */
    set: z.record(HeaderName, z.union([z.string(), SecretRef])).default({}),
    /** Contract request header → vendor header. */
    rename: oneToOne(HeaderName, "vendor header").default({}),
  })
  .strict();

export const SignIn = z
  .object({
    method: z.enum(["get", "post"]).default("post"),
    path: VendorPath,
    encoding: z.enum(["form", "json"]).default("json"),
    body: z.record(z.string().min(1), z.union([Scalar, SecretRef])).default({}),
    /** Where the token is in the (unwrapped) reply. */
    tokenField: z.string().min(1),
    /** Where its lifetime in seconds is; without it the token is kept until a 401. */
    expiresInField: z.string().min(1).optional(),
    /** The header every other call carries the token in, as `<scheme> <token>` or bare when scheme is "". */
    header: HeaderName,
    scheme: z.string().default(""),
  })
  .strict();

export const Envelope = z
  .object({
    /** The field a success reply's payload sits in; without it the reply is the payload. */
    data: z.string().min(1).optional(),
    errorCode: z.string().min(1),
    errorMessage: z.string().min(1),
  })
  .strict();

export const OperationMapping = z
  .object({
    method: z.enum(["get", "post"]),
    /** Under the base URL; `{param}` names are the contract's path parameters of the operation. */
    path: VendorPath,
    /** Contract query parameter → vendor query parameter; others pass under their own names. */
    query: oneToOne(z.string().min(1), "vendor query parameter").optional(),
  })
  .strict();
export type OperationMapping = z.infer<typeof OperationMapping>;

const paramsOf = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

const checkOperations = (ops: Record<string, OperationMapping>, ctx: z.core.$RefinementCtx<unknown>) => {
  const unknown = Object.keys(ops).filter((id) => !(gatewayOperationIds as string[]).includes(id));
  if (unknown.length > 0)
    ctx.addIssue({
      code: "custom",
      path: [],
      message: `unknown operation ${unknown.join(", ")} (the contract's gateway operations: ${gatewayOperationIds.join(", ")})`,
    });
  const missing = requiredOperations.filter((id) => ops[id] === undefined);
  if (missing.length > 0)
    ctx.addIssue({
      code: "custom",
      path: [],
      message: `missing required operation ${missing.join(", ")} (the journeys and the reconciler call them)`,
    });
  for (const [id, op] of Object.entries(ops)) {
    const spec = operations[id as OperationId] as { path: string } | undefined;
    if (spec === undefined) continue;
    const contractParams = paramsOf(spec.path);
    for (const p of paramsOf(op.path))
      if (!contractParams.includes(p))
        ctx.addIssue({
          code: "custom",
          path: [id, "path"],
          message: `{${p}} is not a path parameter of ${id} (it has ${contractParams.map((c) => `{${c}}`).join(", ") || "none"})`,
        });
  }
};

/** Every `{ secret: NAME }` in the file, with where it is. */
const secretRefs = (a: { signIn: z.infer<typeof SignIn>; headers: z.infer<typeof Headers> }) => [
  ...Object.entries(a.signIn.body).map(([k, v]) => ({ path: ["signIn", "body", k], v })),
  ...Object.entries(a.headers.set).map(([k, v]) => ({ path: ["headers", "set", k], v })),
];

export const Adapter = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a kebab-case name like vendor-a"),
    description: z.string().optional(),
    /** The vendor API's base URL; a run's target URL overrides it. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    secrets: z.record(SecretName, SecretSource).default({}),
    headers: Headers.default({ set: {}, rename: {} }),
    signIn: SignIn,
    envelope: Envelope,
    /** Contract error code → vendor error code (replies map back; unlisted codes pass as they are). */
    errorCodes: oneToOne(z.string().min(1), "vendor error code").default({}),
    /** Vendor HTTP status → contract status. */
    statusMap: z
      .record(z.string().regex(/^[1-5]\d\d$/, "an HTTP status"), z.number().int().min(100).max(599))
      .default({}),
    /** Contract key → vendor key, at every depth of every body, both ways. */
    fields: oneToOne(z.string().min(1), "vendor key").default({}),
    /** Per contract key: [contract value, vendor value] pairs, both ways; unlisted values pass. */
    values: z.record(z.string().min(1), z.array(z.tuple([Scalar, Scalar]))).default({}),
    operations: z.record(z.string(), OperationMapping).superRefine(checkOperations),
    /** Where the target's Prometheus metrics are, relative to the base URL's origin. */
    metricsPath: VendorPath.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const { path, v } of secretRefs(a))
      if (typeof v === "object" && a.secrets[v.secret] === undefined)
        ctx.addIssue({
          code: "custom",
          path,
          message: `secret "${v.secret}" is not declared under secrets (declared: ${Object.keys(a.secrets).join(", ") || "none"})`,
        });
    for (const [key, pairs] of Object.entries(a.values)) {
      const seen = new Set<string>();
      pairs.forEach(([, vendor], i) => {
        const k = JSON.stringify(vendor);
        if (seen.has(k))
          ctx.addIssue({
            code: "custom",
            path: ["values", key, i],
            message: `vendor value ${k} appears twice: the map must be one-to-one`,
          });
        seen.add(k);
      });
    }
  });
export type Adapter = z.infer<typeof Adapter>;
