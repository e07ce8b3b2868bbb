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
