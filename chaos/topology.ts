/**
 * The links between the portal's parts. Every link is one toxiproxy proxy on a loopback port below 32768;
 * traffic between parts goes only through its link, so any link can be slowed or cut. The same list drives
 * the local stack and the containers stack.
 */
export interface LinkSpec {
  name: string;
  from: string;
  to: string;
  description: string;
}

export const links = [
  {
    name: "citizen-gateway",
    from: "citizen",
    to: "gateway",
    description: "citizens (k6) to the portal gateway",
  },
  {
    name: "officer-gateway",
    from: "officer",
    to: "gateway",
    description: "officers (k6) to the portal gateway",
  },
  {
    name: "gateway-identity",
    from: "gateway",
    to: "identity",
    description: "gateway to VNeID-style identity",
  },
  {
    name: "gateway-population",
    from: "gateway",
    to: "population",
    description: "gateway to the national population database lookup",
  },
  {
    name: "gateway-dossier-primary",
    from: "gateway",
    to: "dossier-primary",
    description: "gateway to the primary dossier service",
  },
  {
    name: "gateway-dossier-standby",
    from: "gateway",
    to: "dossier-standby",
    description: "gateway to the standby dossier service",
  },
  {
    name: "primary-standby",
    from: "dossier-primary",
    to: "dossier-standby",
    description: "replication from the primary to the standby",
  },
  { name: "gateway-payment", from: "gateway", to: "payment", description: "gateway to the payment platform" },
  {
    name: "payment-callback",
    from: "payment",
    to: "gateway",
    description: "payment platform's result callback to the gateway",
  },
  {
    name: "province-national",
    from: "dossier-primary",
    to: "national-sync",
    description: "provincial outbox to the national portal (DongBoHoSoMC)",
  },
  {
    name: "gateway-documents",
    from: "gateway",
    to: "documents",
    description: "gateway to document management",
  },
  {
    name: "gateway-reporting",
    from: "gateway",
    to: "reporting",
    description: "gateway to the reporting platform",
  },
  { name: "gateway-meetings", from: "gateway", to: "meetings", description: "gateway to online meetings" },
] as const satisfies readonly LinkSpec[];

export type LinkName = (typeof links)[number]["name"];
export const linkNames = links.map((l) => l.name) as LinkName[];

/** Proxy names carry the run id so a shared toxiproxy server can hold several runs' proxies apart. */
export const proxyName = (runId: string, link: string): string => `ph-${runId}-${link}`;
