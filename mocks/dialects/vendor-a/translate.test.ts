import { describe, expect, it } from "vitest";
import { contractStatus, toContract, toVendor, vendorReply, vendorStatus } from "./translate.js";

describe("vendor-a translation", () => {
  it("writes statuses as TT01..TT10 and reads them back", () => {
    expect(vendorStatus(1)).toBe("TT01");
    expect(vendorStatus(10)).toBe("TT10");
    expect(contractStatus("TT07")).toBe(7);
    expect(contractStatus("pending")).toBe("pending");
  });

  it("renames keys at every depth, both ways exactly", () => {
    const dossier = {
      code: "000.00.07.H12-250701-0001",
      status: 4,
      history: [{ status: 1, at: "t" }],
      applicant: { citizenId: "999000000001", fullName: "A" },
      fees: [{ code: "LE_PHI", amountVnd: 5 }],
    };
    const vendor = toVendor(dossier);
    expect(vendor).toEqual({
      ma: "000.00.07.H12-250701-0001",
      trangThai: "TT04",
      lichSu: [{ trangThai: "TT01", at: "t" }],
      nguoiNop: { soDinhDanh: "999000000001", hoTen: "A" },
      fees: [{ ma: "LE_PHI", soTien: 5 }],
    });
    expect(toContract(vendor)).toEqual(dossier);
    expect(toVendor({ status: "pending" })).toEqual({ trangThai: "pending" });
  });

  it("answers overload as 429 with the same Retry-After, and maps error codes", () => {
    const shed = vendorReply(503, "1", { error: { code: "OVERLOADED", message: "busy" } });
    expect(shed).toEqual({
      status: 429,
      headers: { "retry-after": "1" },
      body: { ketQua: "LOI", maLoi: "QUA_TAI", thongBao: "busy" },
    });
    const other = vendorReply(409, undefined, { error: { code: "ILLEGAL_TRANSITION", message: "no" } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ maLoi: "ILLEGAL_TRANSITION" });
    expect(vendorReply(503, undefined, { error: { code: "UPSTREAM_UNAVAILABLE", message: "" } }).status).toBe(
      503,
    );
    expect(vendorReply(200, undefined, { items: [], total: 0 }).body).toEqual({
      ketQua: "OK",
      duLieu: { danhSach: [], tongSo: 0 },
    });
  });
});
