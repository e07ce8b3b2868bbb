import type { z } from "zod";
import type { ToxiproxyClient } from "../toxiproxy-client.js";

/** What a fault does on one link's proxy. Each fault kind lives in its own file and registers here by name. */
export interface FaultContext {
  client: ToxiproxyClient;
  proxy: string;
  /** Toxic name, unique per fault instance. */
  toxicName: string;
}

export interface FaultKind<P extends z.ZodType> {
  kind: string;
  description: string;
  params: P;
  apply(ctx: FaultContext, params: z.infer<P>): Promise<void>;
  remove(ctx: FaultContext, params: z.infer<P>): Promise<unknown>;
}

export const defineFault = <P extends z.ZodType>(fault: FaultKind<P>): FaultKind<P> => fault;
