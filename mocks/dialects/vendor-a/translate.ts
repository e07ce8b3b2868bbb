/**
 * vendor-a's own translation between its wire shape and the portal contract: key names, status values, error
 * codes and the response envelope. Written for this vendor alone; both directions are exact inverses.
 */

/** Contract key → vendor-a key, wherever the key appears in a body. */
export const vendorKeys: Readonly<Record<string, string>> = {
  code: "ma",
  name: "ten",
  status: "trangThai",
  items: "danhSach",
  total: "tongSo",
  dossierCode: "maHoSo",
  procedureCode: "maThuTuc",
  agencyCode: "maCoQuan",
  applicant: "nguoiNop",
  citizenId: "soDinhDanh",
  fullName: "hoTen",
  attachments: "tepDinhKem",
  amountVnd: "soTien",
  paymentId: "maThanhToan",
  receivedAt: "thoiGianTiepNhan",
  history: "lichSu",
  idempotencyKey: "maGiaoDich",
};

const contractKeys: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(vendorKeys).map(([c, v]) => [v, c]),
);

/** Contract error code → vendor-a error code; any other code passes as it is. */
export const vendorErrorCodes: Readonly<Record<string, string>> = {
  OVERLOADED: "QUA_TAI",
  UPSTREAM_UNAVAILABLE: "MAT_KET_NOI",
  DOSSIER_NOT_FOUND: "KHONG_TIM_THAY_HO_SO",
  PROCEDURE_NOT_FOUND: "KHONG_TIM_THAY_THU_TUC",
  BAD_REQUEST: "SAI_YEU_CAU",
  UNAUTHORIZED: "CHUA_XAC_THUC",
  FORBIDDEN: "KHONG_CO_QUYEN",
};

/** A dossier status 1..10 as vendor-a writes it: `TT01`..`TT10`. */
export const vendorStatus = (n: number): string => `TT${String(n).padStart(2, "0")}`;

const vendorStatusPattern = /^TT(\d{2})$/;

/** `TT04` → 4; anything else is left as it is (the gateway then refuses it as a bad request). */
export const contractStatus = (value: unknown): unknown => {
  const m = typeof value === "string" ? vendorStatusPattern.exec(value) : null;
  return m ? Number(m[1]) : value;
};

type KeyMap = Readonly<Record<string, string>>;

/** Renames keys at every depth; `value` rewrites what sits under the (renamed) status key. */
const renameDeep = (body: unknown, keys: KeyMap, value: (v: unknown) => unknown): unknown => {
  if (Array.isArray(body)) return body.map((item) => renameDeep(item, keys, value));
  if (body === null || typeof body !== "object") return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const key = keys[k] ?? k;
    const inner = renameDeep(v, keys, value);
    out[key] = key === "trangThai" || key === "status" ? value(inner) : inner;
  }
  return out;
};

/** A contract body as vendor-a sends it: keys renamed, numeric statuses as `TTnn`. */
export const toVendor = (body: unknown): unknown =>
  renameDeep(body, vendorKeys, (v) => (typeof v === "number" ? vendorStatus(v) : v));

/** A vendor-a body as the contract has it: keys back to the contract's, `TTnn` back to numbers. */
export const toContract = (body: unknown): unknown => renameDeep(body, contractKeys, contractStatus);

export interface VendorReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** vendor-a's error envelope. */
export const vendorError = (code: string, message: string): unknown => ({
  ketQua: "LOI",
  maLoi: vendorErrorCodes[code] ?? code,
  thongBao: message,
});

const errorOf = (body: unknown): { code: string; message: string } | null => {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return e && typeof e.code === "string"
    ? { code: e.code, message: typeof e.message === "string" ? e.message : "" }
    : null;
};

/**
 * A gateway reply in vendor-a's shape: success wrapped in `{ketQua: "OK", duLieu}`, errors in the `LOI`
 * envelope with the vendor's code, and overload (503 with Retry-After) as 429 with the same Retry-After.
 */
export const vendorReply = (status: number, retryAfter: string | undefined, body: unknown): VendorReply => {
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": retryAfter };
  const vendorStatusCode = status === 503 && retryAfter !== undefined ? 429 : status;
  if (status < 400) return { status, headers, body: { ketQua: "OK", duLieu: toVendor(body) } };
  const err = errorOf(body) ?? { code: `HTTP_${status}`, message: "the portal answered an error" };
  return { status: vendorStatusCode, headers, body: vendorError(err.code, err.message) };
};
