import { describe, expect, it } from "vitest";
import type { PaymentsReconciliation } from "../../reconcile/payments.js";
import type { Criterion } from "../schema.js";
import { paymentCriteria } from "./payments.js";

const payments = (o: Partial<PaymentsReconciliation>): PaymentsReconciliation => ({
  confirmed: 4,
  paid: 4,
  failed: 0,
  unsettled: 0,
  dossierUnpaid: 0,
  lookupErrors: 0,
  settleWithinS: 30,
  deadlineAt: "2026-07-01T01:00:00.000Z",
  rounds: 1,
  examples: { unsettled: [], dossierUnpaid: [] },
  notes: [],
  ...o,
});

describe("payments-unsettled and payments-dossier-unpaid", () => {
  it.each<[string, PaymentsReconciliation | undefined, Array<[Criterion["status"], number | null]>]>([
    [
      "all final and on their dossiers: pass",
      payments({}),
      [
        ["passed", 0],
        ["passed", 0],
      ],
    ],
    [
      "a lost callback: unsettled fails",
      payments({
        paid: 3,
        unsettled: 1,
        examples: { unsettled: ["GD-1 for x (processing)"], dossierUnpaid: [] },
      }),
      [
        ["failed", 1],
        ["passed", 0],
      ],
    ],
    [
      "paid but not on the dossier: fails",
      payments({ dossierUnpaid: 2 }),
      [
        ["passed", 0],
        ["failed", 2],
      ],
    ],
    [
      "no payment confirmed: neither judged",
      payments({ confirmed: 0, paid: 0 }),
      [
        ["not-judged", 0],
        ["not-judged", 0],
      ],
    ],
    [
      "none paid: the dossier check not judged",
      payments({ paid: 0, failed: 4 }),
      [
        ["passed", 0],
        ["not-judged", 0],
      ],
    ],
    [
      "dossiers without payments: not exposed",
      payments({ dossierUnpaid: null }),
      [
        ["passed", 0],
        ["not-judged", null],
      ],
    ],
    [
      "an old reconciliation: not judged",
      undefined,
      [
        ["not-judged", null],
        ["not-judged", null],
      ],
    ],
  ])("%s", (_, input, expected) => {
    const c = paymentCriteria(input);
    expect(c.map((x) => x.id)).toEqual(["payments-unsettled", "payments-dossier-unpaid"]);
    expect(c.map((x) => [x.status, x.observed])).toEqual(expected);
    for (const x of c) if (x.status === "not-judged") expect(x.reason).toBeTruthy();
    if (input && input.unsettled > 0) expect(c[0]?.note).toContain("GD-1");
  });
});
