import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { LogLine } from "../runtime/samples.js";

/** The script's console.* lines: JSON log lines in a file, or k6's logfmt lines on stderr when there is none. */
export class ConsoleLog {
  private readonly out: WriteStream | null;

  constructor(file: string | undefined) {
    this.out = file ? createWriteStream(file) : null;
  }

  /** One write per batch: a write per line cost a file-system request (and a thread-pool wake-up) each. */
  write(logs: readonly LogLine[]): void {
    if (logs.length === 0) return;
    let text = "";
    for (const l of logs) {
      const time = new Date(l.timeMs).toISOString();
      text += this.out
        ? `${JSON.stringify({ level: l.level, msg: l.msg, source: "console", time })}\n`
        : `time="${time}" level=${l.level} msg=${JSON.stringify(l.msg)} source=console\n`;
    }
    if (this.out) this.out.write(text);
    else process.stderr.write(text);
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await once(this.out, "close");
  }
}
