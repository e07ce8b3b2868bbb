import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { buildApp as buildDocuments } from "./documents/app.js";
import { buildApp as buildDossierService } from "./dossier-service/app.js";
import { buildApp as buildGateway } from "./gateway/app.js";
import { buildApp as buildIdentity } from "./identity/app.js";
import { buildApp as buildMeetings } from "./meetings/app.js";
import { buildApp as buildNational } from "./national/app.js";
import { buildApp as buildPayment } from "./payment/app.js";
import { buildApp as buildPopulation } from "./population/app.js";
import { buildApp as buildReporting } from "./reporting/app.js";
import { mockVariantNames, variantBehaviour } from "./variants.js";

export const partNames = [
  "gateway",
  "identity",
  "population",
  "dossier-primary",
  "dossier-standby",
  "payment",
  "national-sync",
  "documents",
  "reporting",
  "meetings",
] as const;
export type PartName = (typeof partNames)[number];

const Capacity = z.object({
  workers: z.number().int().min(1).max(10_000),
  serviceTimeMs: z.number().min(0).max(60_000),
  readServiceTimeMs: z.number().min(0).max(60_000).optional(),
});

/** What a part process is told on its command line (JSON). Every field but the links has a default. */
export const PartConfig = z
  .object({
    variant: z.enum(mockVariantNames as [string, ...string[]]).default("healthy"),
    seed: z.number().int().min(0).default(1),
    /** Link (toxiproxy listen) URLs of the parts this part talks to, by part name or role. */
    upstreams: z.record(z.string(), z.string()).default({}),
    capacity: Capacity.optional(),
    admission: z
      .object({
        maxInFlight: z.number().int().min(1).optional(),
        maxQueue: z.number().int().min(0).optional(),
        maxQueueWaitMs: z.number().int().min(1).optional(),
      })
      .optional(),
    failover: z
      .object({
        healthIntervalMs: z.number().int().min(50).optional(),
        healthTimeoutMs: z.number().int().min(10).optional(),
        failoverAfterMs: z.number().int().min(0).nullable().optional(),
      })
      .optional(),
    codeGap: z.number().int().min(1).max(1000).optional(),
    sessionTtlS: z.number().min(1).optional(),
    paymentSecret: z.string().min(8).default("synthetic-shared-secret"),
    reportRows: z.number().int().min(1).optional(),
    meetingCapacity: z.number().int().min(1).optional(),
  })
  .strict();
export type PartConfig = z.infer<typeof PartConfig>;

const defined = <T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };

/** Builds one part's app (not listening) from its config, the variant deciding its behaviour. */
export const buildPart = (name: PartName, input: unknown): FastifyInstance => {
  const c = PartConfig.parse(input);
  const b = variantBehaviour(c.variant);
  const up = c.upstreams;
  const cap = c.capacity;
  switch (name) {
    case "gateway": {
      if (!up["dossier-primary"]) throw new Error("gateway: upstreams.dossier-primary is required");
      return buildGateway(
        defined({
          seed: c.seed,
          variant: c.variant,
          paymentSecret: c.paymentSecret,
          upstreams: defined({
            dossierPrimary: up["dossier-primary"],
            dossierStandby: up["dossier-standby"],
            identity: up.identity,
            population: up.population,
            payment: up.payment,
            documents: up.documents,
            reporting: up.reporting,
            meetings: up.meetings,
          }),
          admission: c.admission ? defined(c.admission) : undefined,
          failover: c.failover ? defined(c.failover) : undefined,
        }),
      );
    }
    case "dossier-primary":
    case "dossier-standby":
      return buildDossierService(
        defined({
          role: name === "dossier-primary" ? ("primary" as const) : ("standby" as const),
          honourIdempotency: b.honourIdempotency,
          standbyUrl: name === "dossier-primary" ? up["dossier-standby"] : undefined,
          replication: b.replication,
          replicationIntervalMs: b.replicationIntervalMs,
          nationalUrl: up["national-sync"],
          syncChecksErrorCode: b.syncChecksErrorCode,
          codeGap: c.codeGap,
          capacity: cap ? defined(cap) : undefined,
        }),
      );
    case "identity":
      return buildIdentity(defined({ capacity: cap }));
    case "population":
      return buildPopulation(defined({ seed: c.seed, capacity: cap }));
    case "payment":
      return buildPayment(
        defined({
          secret: c.paymentSecret,
          callbackUrl: up.gateway,
          callbackRetries: b.paymentCallbackRetries,
          capacity: cap,
        }),
      );
    case "national-sync":
      return buildNational(defined({ sessionTtlS: c.sessionTtlS, capacity: cap }));
    case "documents":
      return buildDocuments(defined({ capacity: cap }));
    case "reporting":
      return buildReporting(defined({ seed: c.seed, rows: c.reportRows, capacity: cap }));
    case "meetings":
      return buildMeetings(defined({ seed: c.seed, capacity: c.meetingCapacity }));
  }
};

export const isPartName = (name: string): name is PartName => (partNames as readonly string[]).includes(name);
