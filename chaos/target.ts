import { z } from "zod";

/** What a run aims at: the built-in mock (a variant of it) or a portal at a URL, loopback or allowlisted. */
export const MockTarget = z
  .object({
    kind: z.literal("mock"),
    variant: z.string().default("healthy"),
  })
  .strict();

export const UrlTarget = z
  .object({
    kind: z.literal("url"),
    baseUrl: z.url(),
    /** Hosts this config allows besides loopback; any other host is refused (exit 2). */
    allowHosts: z.array(z.string().min(1)).default([]),
    /**
     * An adapter file (adapters/README.md) when the portal speaks a vendor's API rather than the contract:
     * `baseUrl` is then the vendor API's base URL, and a bridge in the harness maps the contract onto it.
     */
    adapter: z.string().min(1).optional(),
  })
  .strict();

export const Target = z.discriminatedUnion("kind", [MockTarget, UrlTarget]);
export type Target = z.infer<typeof Target>;
