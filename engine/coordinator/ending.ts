import type { EngineStatus } from "../config.js";

/**
 * How the run is ending: the first cause to end it sets the status (later ones are ignored) and asks every
 * worker to stop through `onEnd`; reasons are lines for the result.
 */
export class Ending {
  status: EngineStatus = "completed";
  readonly reason: string[] = [];
  stopping = false;

  constructor(private readonly onEnd: () => void = () => {}) {}

  /** Ends the run with this status unless it is already ending; stops the workers. */
  endWith(status: EngineStatus, why: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.status = status;
    this.reason.push(why);
    this.onEnd();
  }

  /** Ends the run before the workers had a schedule to stop (setup failed). */
  failBeforeStart(why: string): void {
    this.stopping = true;
    this.status = "error";
    this.reason.push(why);
  }
}
