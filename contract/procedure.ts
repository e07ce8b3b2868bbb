import { z } from "zod";
import { ProcedureCode } from "./common.js";

export const Procedure = z.object({
  code: ProcedureCode,
  name: z.string(),
  level: z.enum(["province", "commune"]),
  feeVnd: z.number().int().min(0),
});
export type Procedure = z.infer<typeof Procedure>;

export const ProcedureList = z.object({ items: z.array(Procedure), total: z.number().int() });

/** LayDanhSachTTHC-style search: free text over names, bounded page. */
export const ProcedureSearchQuery = z.object({
  q: z.string().max(100).optional(),
  level: z.enum(["province", "commune"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const ProcedureParams = z.object({ code: ProcedureCode });
