/**
 * The links between the portal's parts. Every link is one toxiproxy proxy on a loopback port below 32768;
 * traffic between parts goes only through its link, so any link can be slowed or cut.
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
    name: "gateway-dossier",
    from: "gateway",
    to: "dossier-primary",
    description: "gateway to the primary dossier service",
  },
] as const satisfies readonly LinkSpec[];

export type LinkName = (typeof links)[number]["name"];
export const linkNames = links.map((l) => l.name) as LinkName[];

/** Proxy names carry the run id so a shared toxiproxy server can hold several runs' proxies apart. */
export const proxyName = (runId: string, link: string): string => `ph-${runId}-${link}`;
