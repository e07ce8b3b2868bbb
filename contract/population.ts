import { z } from "zod";
import { CitizenId } from "./common.js";

/** A record of the national population database, as far as a procedure needs it. All synthetic. */
export const Citizen = z.object({
  citizenId: CitizenId,
  fullName: z.string(),
  dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  gender: z.enum(["nam", "nu"]),
  provinceCode: z.string().regex(/^H\d{2}$/),
  address: z.string(),
  synthetic: z.literal(true),
});
export type Citizen = z.infer<typeof Citizen>;

export const CitizenParams = z.object({ citizenId: CitizenId });
