import { Counter, Rate, Trend } from "k6/metrics";

/**
 * Custom metrics of the journeys. They land in the results (k6's JSON lines) beside the built-in HTTP
 * metrics, tagged like the requests (journey, step, province), so analysis can read them without anything else.
 */
export const dossiersSubmitted = new Counter("dossiers_submitted");
export const dossiersAcknowledged = new Counter("dossiers_acknowledged");
/** From the first submission attempt to the portal's acknowledgement, retries included. */
export const dossierAckMs = new Trend("dossier_ack_ms", true);
/** Waits before a retry, tagged `retry_after` with what the portal asked for ("none" when it asked nothing). */
export const retryWaitMs = new Trend("retry_wait_ms", true);
/** Completed OIDC sign-ins (authorize + token); tokens are reused until they expire. */
export const signIns = new Counter("sign_ins");
/** From creating a payment to the portal showing it paid (the platform's callback arrived). */
export const paymentMs = new Trend("payment_ms", true);
/** Whether a started payment was seen paid within the journey's polls. */
export const paymentsCompleted = new Rate("payments_completed");
/** Dossiers an officer took from the queue and moved to a final status. */
export const dossiersProcessed = new Counter("dossiers_processed");
/** Officer iterations that found no dossier under the submission they were to take. */
export const officerQueueEmpty = new Counter("officer_queue_empty");
/** Dossiers a provincial system pushed to the national portal (DongBoHoSoMC answered "00"). */
export const syncPushed = new Counter("sync_pushed");
/** From the start of a push to the national portal returning the dossier in TraCuuHoSo. */
export const syncLagMs = new Trend("sync_lag_ms", true);
/** Meeting joins, tagged `result` joined or full. */
export const meetingJoins = new Counter("meeting_joins");
