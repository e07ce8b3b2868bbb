import { type OperationId, operations } from "../../../contract/operations.js";

/** One vendor-a route: its method and path under the base, and the portal operation it stands for. */
export interface VendorRoute {
  operation: OperationId;
  method: "get" | "post";
  /** Under `/vendor-a/api/v2`, with the contract's own `{param}` names. */
  path: string;
  /** vendor-a query name → contract query name. */
  query?: Readonly<Record<string, string>>;
}

export const vendorBase = "/vendor-a/api/v2";

/** The application sign-in route (not a portal operation). */
export const signInPath = "/xac-thuc/ung-dung";

/** Every portal operation vendor-a offers, in its own words. */
export const vendorRoutes: readonly VendorRoute[] = [
  {
    operation: "searchProcedures",
    method: "get",
    path: "/thu-tuc",
    query: { tuKhoa: "q", soLuong: "limit", viTri: "offset", capThucHien: "level" },
  },
  { operation: "getProcedure", method: "get", path: "/thu-tuc/{code}" },
  { operation: "oidcConfiguration", method: "get", path: "/xac-thuc/cau-hinh" },
  { operation: "jwks", method: "get", path: "/xac-thuc/khoa" },
  { operation: "authorize", method: "post", path: "/xac-thuc/uy-quyen" },
  { operation: "token", method: "post", path: "/xac-thuc/ma-truy-cap" },
  { operation: "getCitizen", method: "get", path: "/cong-dan/{citizenId}" },
  { operation: "submitDossier", method: "post", path: "/ho-so" },
  { operation: "getDossier", method: "get", path: "/ho-so/{code}" },
  { operation: "findDossiersByKey", method: "get", path: "/ho-so", query: { maGiaoDich: "idempotencyKey" } },
  { operation: "transitionDossier", method: "post", path: "/ho-so/{code}/chuyen-trang-thai" },
  { operation: "createPayment", method: "post", path: "/thanh-toan" },
  { operation: "confirmPayment", method: "post", path: "/thanh-toan/{paymentId}/xac-nhan" },
  { operation: "getPayment", method: "get", path: "/thanh-toan/{paymentId}" },
  { operation: "syncStatus", method: "get", path: "/dong-bo/trang-thai" },
  { operation: "nationalDossier", method: "get", path: "/dong-bo/ho-so/{code}" },
  { operation: "createDocument", method: "post", path: "/van-ban" },
  { operation: "getDocument", method: "get", path: "/van-ban/{id}" },
  { operation: "forwardDocument", method: "post", path: "/van-ban/{id}/chuyen" },
  { operation: "signDocument", method: "post", path: "/van-ban/{id}/ky" },
  { operation: "dossierReport", method: "get", path: "/bao-cao/ho-so" },
  { operation: "getMeeting", method: "get", path: "/hop/{id}" },
  { operation: "joinMeeting", method: "post", path: "/hop/{id}/tham-gia" },
  { operation: "leaveMeeting", method: "post", path: "/hop/{id}/roi" },
];

/** The contract path of a route, its `{param}`s filled in (URL-encoded). */
export const contractPath = (route: VendorRoute, params: Readonly<Record<string, string>>): string =>
  operations[route.operation].path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ""),
  );

/** The contract query string of a vendor-a query (names mapped; unmapped names pass as they are). */
export const contractQuery = (route: VendorRoute, query: Readonly<Record<string, unknown>>): string => {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    const to = route.query?.[name] ?? name;
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) out.append(to, String(v));
  }
  const s = out.toString();
  return s === "" ? "" : `?${s}`;
};

/** `/thu-tuc/{code}` → `/vendor-a/api/v2/thu-tuc/:code` for Fastify's router. */
export const fastifyPath = (path: string): string => `${vendorBase}${path.replace(/\{(\w+)\}/g, ":$1")}`;
