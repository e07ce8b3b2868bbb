import { describe, expect, it } from "vitest";
import {
  bodyMapping,
  contractError,
  contractStatus,
  fillPath,
  formBody,
  invert,
  queryString,
  unwrap,
  vendorHeaders,
} from "./mapping.js";

const fields = {
  code: "ma",
  status: "trangThai",
  items: "danhSach",
  history: "lichSu",
  applicant: "nguoiNop",
};
const values = {
  status: [
    [1, "TT01"],
    [4, "TT04"],
    [10, "TT10"],
  ] as [number, string][],
};
const m = bodyMapping(fields, values);

describe("bodyMapping", () => {
  const cases: [string, unknown, unknown][] = [
    ["a flat object", { code: "X", status: 4 }, { ma: "X", trangThai: "TT04" }],
    [
      "nested objects and arrays",
      { items: [{ code: "A", status: 1, history: [{ status: 10, at: "t" }] }] },
      { danhSach: [{ ma: "A", trangThai: "TT01", lichSu: [{ trangThai: "TT10", at: "t" }] }] },
    ],
    ["unlisted keys and values pass", { other: 1, status: "paid" }, { other: 1, trangThai: "paid" }],
    ["scalars and null pass", null, null],
    ["a top-level array", [{ code: "A" }], [{ ma: "A" }]],
    ["an unlisted value under a mapped key", { status: 7 }, { trangThai: 7 }],
  ];
  it.each(cases)("%s: contract → vendor → contract", (_name, contract, vendor) => {
    expect(m.toVendor(contract)).toEqual(vendor);
    expect(m.toContract(vendor)).toEqual(contract);
  });

  it("maps values only under their own key", () => {
    expect(m.toVendor({ code: 4 })).toEqual({ ma: 4 });
    expect(m.toContract({ ma: "TT04" })).toEqual({ code: "TT04" });
  });

  it("inverts one-to-one maps exactly", () => {
    expect(invert(fields)).toEqual({
      ma: "code",
      trangThai: "status",
      danhSach: "items",
      lichSu: "history",
      nguoiNop: "applicant",
    });
  });
});

describe("paths and queries", () => {
  it.each([
    ["/ho-so/{code}", { code: "000.00.00.H12-250701-0001" }, "/ho-so/000.00.00.H12-250701-0001"],
    ["/x/{id}/y", { id: "a/b c" }, "/x/a%2Fb%20c/y"],
    ["/thu-tuc", {}, "/thu-tuc"],
  ])("fillPath(%s)", (template, params, want) => expect(fillPath(template, params)).toBe(want));

  it("refuses a missing parameter", () => expect(() => fillPath("/a/{code}", {})).toThrow(/code/));

  it.each([
    [{ q: "khai sinh", limit: 1 }, { q: "tuKhoa", limit: "soLuong" }, "?tuKhoa=khai+sinh&soLuong=1"],
    [{ a: ["1", "2"], b: undefined }, {}, "?a=1&a=2"],
    [{}, {}, ""],
  ])("queryString(%j)", (query, rename, want) => expect(queryString(query, rename)).toBe(want));
});

describe("headers", () => {
  const headers = {
    set: { "X-Vendor-Client": "harness", "X-Key": { secret: "apiKey" } },
    rename: { Authorization: "X-Cong-Dan-Token", "idempotency-key": "x-ma-giao-dich" },
  };
  it("renames the contract's headers, drops others, sets fixed ones with secrets resolved", () => {
    const out = vendorHeaders(
      { authorization: "Bearer t", "idempotency-key": ["k1", "k2"], cookie: "c", host: "h" },
      headers,
      { apiKey: "s3cret-value" },
    );
    expect(out).toEqual({
      "x-cong-dan-token": "Bearer t",
      "x-ma-giao-dich": "k1",
      "x-vendor-client": "harness",
      "x-key": "s3cret-value",
    });
  });
  it("forwards the contract's own headers unrenamed when the adapter does not rename them", () => {
    expect(vendorHeaders({ authorization: "Bearer t" }, { set: {}, rename: {} }, {})).toEqual({
      authorization: "Bearer t",
    });
  });
  it("form-encodes a sign-in body", () =>
    expect(formBody({ grant_type: "client_credentials", n: 1, s: "a&b" })).toBe(
      "grant_type=client_credentials&n=1&s=a%26b",
    ));
});

describe("replies", () => {
  const envelope = { data: "duLieu", errorCode: "maLoi", errorMessage: "thongBao" };
  it.each([
    [
      { ketQua: "OK", duLieu: { a: 1 } },
      { ok: true, data: { a: 1 } },
    ],
    [
      { ketQua: "OK", duLieu: null },
      { ok: true, data: null },
    ],
    [{ ketQua: "OK" }, { ok: false, problem: "the reply has no duLieu field" }],
    ["text", { ok: false, problem: "the reply has no duLieu field" }],
  ])("unwrap(%j)", (body, want) => expect(unwrap(body, envelope)).toEqual(want));

  it("passes the whole body when the adapter has no data field", () =>
    expect(unwrap({ a: 1 }, { errorCode: "c", errorMessage: "m" })).toEqual({ ok: true, data: { a: 1 } }));

  const back = invert({ OVERLOADED: "QUA_TAI", DOSSIER_NOT_FOUND: "KHONG_TIM_THAY_HO_SO" });
  it.each([
    [{ ketQua: "LOI", maLoi: "QUA_TAI", thongBao: "busy" }, 429, { code: "OVERLOADED", message: "busy" }],
    [{ maLoi: "KHONG_TIM_THAY_HO_SO", thongBao: "no" }, 404, { code: "DOSSIER_NOT_FOUND", message: "no" }],
    [{ maLoi: "ILLEGAL_TRANSITION" }, 409, { code: "ILLEGAL_TRANSITION", message: "" }],
    [{ other: 1 }, 500, { code: "HTTP_500", message: "the vendor answered 500 without an error code" }],
    [null, 502, { code: "HTTP_502", message: "the vendor answered 502 without an error code" }],
  ])("contractError(%j)", (body, status, want) =>
    expect(contractError(body, status, envelope, back)).toEqual({ error: want }),
  );

  it.each([
    [429, 503],
    [404, 404],
    [200, 200],
  ])("contractStatus(%i) = %i", (vendor, want) => expect(contractStatus(vendor, { "429": 503 })).toBe(want));
});
