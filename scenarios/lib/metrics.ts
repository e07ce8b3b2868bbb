import { Counter, Trend } from "k6/metrics";

/**
 * Custom metrics of the journeys. They land in k6's JSON output beside the built-in HTTP metrics, tagged like
 * the requests (journey, step, province), so analysis can read them without anything else.
 */
export const dossiersSubmitted = new Counter("dossiers_submitted");
export const dossiersAcknowledged = new Counter("dossiers_acknowledged");
/** From the first submission attempt to the portal's acknowledgement, retries included. */
export const dossierAckMs = new Trend("dossier_ack_ms", true);
