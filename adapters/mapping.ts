import type { ErrorBody } from "../contract/common.js";
import type { SecretValues } from "../kernel/secrets.js";
import type { Adapter, SecretRef } from "./schema.js";

/**
 * The adapter's translations, as pure functions: bodies (keys and values, both ways), paths, query strings,
 * headers, the reply envelope, error bodies and statuses. The bridge composes them; nothing here does I/O.
 */

type KeyMap = Readonly<Record<string, string>>;
type Scalar = string | number | boolean;

/** `{a: "x"}` → `{x: "a"}` (the adapter's maps are one-to-one, so this is exact). */
export const invert = (map: KeyMap): Record<string, string> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));

const scalarKey = (v: unknown): string | null =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? JSON.stringify(v) : null;

export interface BodyMapping {
  /** A contract body as the vendor wants it. */
  toVendor(body: unknown): unknown;
  /** A vendor body as the contract has it. */
  toContract(body: unknown): unknown;
}

/**
 * Key renames at every depth (objects inside arrays too), and per-key value maps: `values.status` rewrites
 * whatever sits under `status` (contract side) / its vendor name. Keys and values not listed pass unchanged.
 */
export const bodyMapping = (fields: KeyMap, values: Adapter["values"]): BodyMapping => {
  const back = invert(fields);
  const forwardValues = new Map<string, Map<string, Scalar>>();
  const backValues = new Map<string, Map<string, Scalar>>();
  for (const [key, pairs] of Object.entries(values)) {
    forwardValues.set(key, new Map(pairs.map(([c, v]) => [JSON.stringify(c), v])));
    backValues.set(key, new Map(pairs.map(([c, v]) => [JSON.stringify(v), c])));
  }
  const walk = (
    body: unknown,
    keys: KeyMap,
    valueMaps: Map<string, Map<string, Scalar>>,
    vendorToContract: boolean,
  ): unknown => {
    if (Array.isArray(body)) return body.map((item) => walk(item, keys, valueMaps, vendorToContract));
    if (body === null || typeof body !== "object") return body;
    const out: Record<string, unknown> = {};
    for (const [from, v] of Object.entries(body)) {
      const to = keys[from] ?? from;
      const inner = walk(v, keys, valueMaps, vendorToContract);
      const map = valueMaps.get(vendorToContract ? to : from);
      const k = map === undefined ? null : scalarKey(inner);
      const mapped = k === null ? undefined : map?.get(k);
      out[to] = mapped === undefined ? inner : mapped;
    }
    return out;
  };
  return {
    toVendor: (body) => walk(body, fields, forwardValues, false),
    toContract: (body) => walk(body, back, backValues, true),
  };
};

/** `/ho-so/{code}` with `{code: "a/b"}` → `/ho-so/a%2Fb`. A missing parameter is a programming error. */
export const fillPath = (template: string, params: Readonly<Record<string, string>>): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`path parameter {${name}} has no value`);
    return encodeURIComponent(v);
  });

/** A query string (`?a=1&b=2`, or "" when empty) with names renamed; arrays repeat the name. */
export const queryString = (query: Readonly<Record<string, unknown>>, rename: KeyMap = {}): string => {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    for (const v of Array.isArray(value) ? value : [value])
      if (v !== undefined && v !== null) out.append(rename[name] ?? name, String(v));
  const s = out.toString();
  return s === "" ? "" : `?${s}`;
};

/** A literal, or the value of the secret it references. */
export const resolveValue = <T extends Scalar>(v: T | SecretRef, secrets: SecretValues): T | string => {
  if (typeof v !== "object") return v;
  const value = secrets[v.secret];
  if (value === undefined) throw new Error(`secret ${v.secret} has no value`);
  return value;
};

/** The contract request headers a vendor may need; anything else a client sent is not forwarded. */
export const forwardedHeaders = ["authorization", "idempotency-key"] as const;

/**
 * The headers of a vendor call: the contract's own headers (those `rename` lists, and the forwarded ones)
 * renamed, then `set` (secret references resolved). Names in lower case.
 */
export const vendorHeaders = (
  incoming: Readonly<Record<string, string | string[] | undefined>>,
  headers: Adapter["headers"],
  secrets: SecretValues,
): Record<string, string> => {
  const rename = Object.fromEntries(
    Object.entries(headers.rename).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]),
  );
  const out: Record<string, string> = {};
  for (const name of new Set([...forwardedHeaders, ...Object.keys(rename)])) {
    const raw = incoming[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) out[rename[name] ?? name] = value;
  }
  for (const [name, v] of Object.entries(headers.set)) out[name.toLowerCase()] = resolveValue(v, secrets);
  return out;
};

/** A success reply's payload: the envelope's data field, or the whole body when the adapter has none. */
export const unwrap = (
  body: unknown,
  envelope: Adapter["envelope"],
): { ok: true; data: unknown } | { ok: false; problem: string } => {
  if (envelope.data === undefined) return { ok: true, data: body };
  if (body !== null && typeof body === "object" && envelope.data in body)
    return { ok: true, data: (body as Record<string, unknown>)[envelope.data] };
  return { ok: false, problem: `the reply has no ${envelope.data} field` };
};

/**
 * A vendor error reply as the contract's `{error: {code, message}}`: the vendor's code mapped back (codes the
 * adapter does not list pass as they are); a reply without the envelope's code becomes `HTTP_<status>`.
 */
export const contractError = (
  body: unknown,
  status: number,
  envelope: Adapter["envelope"],
  codesBack: KeyMap,
): ErrorBody => {
  const b = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const code = b[envelope.errorCode];
  const message = b[envelope.errorMessage];
  if (typeof code !== "string")
    return {
      error: { code: `HTTP_${status}`, message: `the vendor answered ${status} without an error code` },
    };
  return { error: { code: codesBack[code] ?? code, message: typeof message === "string" ? message : "" } };
};

/** The contract status of a vendor status (`statusMap`, else the same). */
export const contractStatus = (status: number, statusMap: Adapter["statusMap"]): number =>
  statusMap[String(status)] ?? status;

/** `application/x-www-form-urlencoded` of flat fields. */
export const formBody = (fields: Readonly<Record<string, Scalar>>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
