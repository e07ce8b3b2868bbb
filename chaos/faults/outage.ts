import { z } from "zod";
import { defineFault } from "./fault.js";

/** The link is down: the proxy is disabled, existing connections close and new ones are refused. */
export const outageParams = z.object({}).strict();

export const outageFault = defineFault({
  kind: "outage",
  description: "link down: proxy disabled, connections refused",
  params: outageParams,
  apply: ({ client, proxy }) => client.setEnabled(proxy, false),
  remove: ({ client, proxy }) => client.setEnabled(proxy, true),
});
