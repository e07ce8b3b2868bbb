import { z } from "zod";
import type { Rng } from "../../kernel/pure/rng.js";
import type { ToxicSpec, ToxiproxyClient } from "../toxiproxy-client.js";

/** What a fault does on one link's proxy. Each fault kind lives in its own file and registers here by name. */
export interface FaultContext {
  client: ToxiproxyClient;
  proxy: string;
  /** Toxic name, unique per fault instance. */
  toxicName: string;
}

/**
 * One admin action of a fault, at an offset from the fault's start. A fault is a list of steps: the first is
 * its `apply` (at 0), the last its `remove` (at the fault's end); faults that change while in force (flapping,
 * ramp) have `step`s between. The timeline runs a fault's steps one after another and records each.
 */
export interface FaultStep {
  atMs: number;
  phase: "apply" | "step" | "remove";
  /** What the step does, for events and plan output ("down 2/5", "latency 300 ms (3/4)"). */
  label: string;
  run(ctx: FaultContext): Promise<unknown>;
}

/**
 * How `--faults random` draws a kind: its weight among the kinds, and its params for a fault lasting
 * `durationS`, drawn from the plan's generator.
 */
export interface RandomDraw<P extends z.ZodType> {
  weight: number;
  params(rng: Rng, durationS: number): z.input<P>;
}

export interface FaultKind<P extends z.ZodType> {
  kind: string;
  description: string;
  params: P;
  random: RandomDraw<P>;
  /** True for faults that switch the whole proxy off: two of them must not overlap on one link. */
  togglesProxy: boolean;
  /** One line for plan output; approximations say so. */
  describe(params: z.infer<P>): string;
  steps(params: z.infer<P>, durationMs: number): FaultStep[];
  /** Undoes whatever of this fault is in force (used when a run stops early). */
  remove(ctx: FaultContext, params: z.infer<P>): Promise<unknown>;
}

export const defineFault = <P extends z.ZodType>(fault: FaultKind<P>): FaultKind<P> => fault;

/** Direction and toxicity, as toxiproxy defines them: exposed on every toxic-based fault. */
export const toxicParams = {
  /** upstream = client → server (requests), downstream = server → client (responses); toxiproxy's default. */
  stream: z.enum(["upstream", "downstream"]).default("downstream"),
  /** Share of connections the toxic affects (decided per connection, not per request). */
  toxicity: z.number().min(0).max(1).default(1),
};

const streamNote = (p: { stream: string; toxicity: number }): string =>
  `${p.stream}${p.toxicity < 1 ? `, ${Math.round(p.toxicity * 100)} % of connections` : ""}`;

/** A fault that is one toxic: added at the start, removed at the end. */
export const toxicFault = <
  P extends z.ZodType<{ stream: "upstream" | "downstream"; toxicity: number }>,
>(def: {
  kind: string;
  description: string;
  params: P;
  random: RandomDraw<P>;
  toxic: (params: z.infer<P>) => Pick<ToxicSpec, "type" | "attributes">;
  describe: (params: z.infer<P>) => string;
}): FaultKind<P> => {
  const remove = ({ client, proxy, toxicName }: FaultContext) => client.removeToxic(proxy, toxicName);
  return defineFault({
    kind: def.kind,
    description: def.description,
    params: def.params,
    random: def.random,
    togglesProxy: false,
    describe: (p) => `${def.describe(p)} (${streamNote(p)})`,
    steps: (p, durationMs) => [
      {
        atMs: 0,
        phase: "apply",
        label: def.describe(p),
        run: ({ client, proxy, toxicName }) =>
          client.addToxic(proxy, {
            name: toxicName,
            stream: p.stream,
            toxicity: p.toxicity,
            ...def.toxic(p),
          }),
      },
      { atMs: durationMs, phase: "remove", label: "remove", run: remove },
    ],
    remove,
  });
};

/** A value from min to max in steps of `by`, for random plans. */
export const drawStep = (rng: Rng, min: number, max: number, by: number): number =>
  min + by * rng.int(0, Math.floor((max - min) / by) + 1);

/** A direction for random plans: requests a quarter of the time, responses otherwise. */
export const drawStream = (rng: Rng): "upstream" | "downstream" =>
  rng.next() < 0.25 ? "upstream" : "downstream";
