import { z } from "zod";

export const profileSchemaVersion = 1;

/** Citizen request-mix steps, as shares of all citizen requests (DOMAIN.md gives an assumed mix). */
export const MixStep = z.enum(["browse", "status", "submit", "payment"]);
export type MixStep = z.infer<typeof MixStep>;

/**
 * Every step a journey tags its requests with: the citizen mix steps, the requests a citizen journey needs
 * beyond them (sign-in, population lookup), and the steps of the officer, province and platform journeys.
 * SLO objectives are keyed by these.
 */
export const Step = z.enum([
  ...MixStep.options,
  "sign-in",
  "lookup",
  "officer",
  "documents",
  "sync",
  "report",
  "meeting",
]);
export type Step = z.infer<typeof Step>;

const Standing = z.enum(["published", "spec", "assumption"]);

const Figure = z
  .object({
    value: z.number().positive(),
    standing: Standing,
    source: z.string().max(300),
  })
  .strict();

const ShapePoint = z.object({ hour: z.number().min(0).max(24), level: z.number().min(0).max(1) }).strict();

/**
 * Load that is not citizen requests, each with its own rate. Rates are national figures at full scale
 * (scaled by `scale` like the citizens); like the citizens' rate they are not compressed, only the day is.
 */
export const Platforms = z
  .object({
    /** Officers take submitted dossiers from the queue and move each through the status graph. */
    officer: z
      .object({
        /** Share of the citizens' submitted dossiers an officer takes during the run. */
        dossierShare: z.number().min(0).max(1),
        /** Real seconds between a submission and an officer taking it. */
        pickUpAfterS: z.number().min(0).max(3600),
        /** Share of taken dossiers refused at intake (1 → 3). */
        rejectShare: z.number().min(0).max(1),
        /** Share of accepted dossiers for which more documents are requested (4 → 5 → 4). */
        moreDocumentsShare: z.number().min(0).max(1),
        /** Share of accepted dossiers whose result is drafted, forwarded and signed in document management. */
        signShare: z.number().min(0).max(1),
        standing: Standing,
      })
      .strict()
      .optional(),
    /** Provincial one-stop systems push their own dossiers and status progress to the national portal. */
    provinceSync: z
      .object({
        /** Seconds between one province's sync batches at full scale. */
        batchEveryS: Figure,
        dossiersPerBatch: z.number().int().min(1).max(20),
        /** Status updates (CapNhatTienDoHoSoMC) per batch, on dossiers pushed earlier. */
        updatesPerBatch: z.number().int().min(0).max(20),
      })
      .strict()
      .optional(),
    /** Aggregate report queries (expensive scans) by officials, following the day's shape. */
    reporting: z.object({ queriesPerS: Figure }).strict().optional(),
    /** Online meetings: joins at `joinsPerS` × level of their own shape (the 08:00 storm). */
    meetings: z
      .object({
        joinsPerS: Figure,
        /** Level over the day, like the profile's shape; the profile's shape when absent. */
        shape: z.array(ShapePoint).min(2).optional(),
        /** Simulated minutes a participant stays before leaving. */
        stayMinutes: z.number().min(0).max(600),
        /** Sessions the target runs (`HOP-001`…). */
        sessions: z.number().int().min(1).max(999),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Platforms = z.infer<typeof Platforms>;

/** A traffic profile: the shape of a day, compressed in time, scaled from national figures. */
export const Profile = z
  .object({
    schemaVersion: z.literal(profileSchemaVersion),
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().max(500),
    /** Peak concurrent users nationally. */
    peakUsers: Figure,
    /** Seconds between one active user's requests. */
    requestIntervalS: Figure,
    /** Fraction of the national peak this run replays (1 = full scale). */
    scale: z.number().positive().max(10),
    /** Simulated seconds per real second; 600 plays ten hours in one minute. */
    compression: z.number().min(1).max(100_000),
    /** Load level (share of peak, 0–1) at local clock hours (ICT), linear between points. */
    shape: z.array(ShapePoint).min(2),
    mix: z.partialRecord(MixStep, z.number().min(0).max(1)),
    mixStanding: Standing,
    /** Officer, province-sync, reporting and meeting load; absent: citizens only. */
    platforms: Platforms.optional(),
    provinces: z
      .object({ count: z.number().int().min(1).max(34), weights: z.array(z.number().min(0)).optional() })
      .strict(),
    assumptions: z.array(z.string().max(400)),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (let i = 1; i < p.shape.length; i++) {
      const prev = p.shape[i - 1];
      const cur = p.shape[i];
      if (prev && cur && cur.hour <= prev.hour)
        ctx.addIssue({ code: "custom", path: ["shape", i, "hour"], message: "hours must increase" });
    }
    const total = Object.values(p.mix).reduce((s, v) => s + (v ?? 0), 0);
    if (Math.abs(total - 1) > 1e-6)
      ctx.addIssue({
        code: "custom",
        path: ["mix"],
        message: `shares must add up to 1 (they add up to ${total})`,
      });
    const meetingShape = p.platforms?.meetings?.shape ?? [];
    for (let i = 1; i < meetingShape.length; i++)
      if ((meetingShape[i]?.hour ?? 0) <= (meetingShape[i - 1]?.hour ?? 0))
        ctx.addIssue({
          code: "custom",
          path: ["platforms", "meetings", "shape", i, "hour"],
          message: "hours must increase",
        });
    if (p.provinces.weights && p.provinces.weights.length !== p.provinces.count)
      ctx.addIssue({
        code: "custom",
        path: ["provinces", "weights"],
        message: `needs ${p.provinces.count} weights, one per province`,
      });
  });
export type Profile = z.infer<typeof Profile>;
