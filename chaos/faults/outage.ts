import { z } from "zod";
import { defineFault, type FaultContext } from "./fault.js";

/** The link is down: the proxy is disabled, existing connections close and new ones are refused. */
export const outageParams = z.object({}).strict();

const up = ({ client, proxy }: FaultContext) => client.setEnabled(proxy, true);

export const outageFault = defineFault({
  kind: "outage",
  description: "link down: proxy disabled, connections refused",
  params: outageParams,
  random: { weight: 3, params: () => ({}) },
  togglesProxy: true,
  describe: () => "link down (connections refused)",
  steps: (_p, durationMs) => [
    { atMs: 0, phase: "apply", label: "down", run: ({ client, proxy }) => client.setEnabled(proxy, false) },
    { atMs: durationMs, phase: "remove", label: "up", run: up },
  ],
  remove: up,
});
