import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { LogLine } from "../runtime/samples.js";

/** The script's console.* lines: JSON log lines in a file, or k6's logfmt lines on stderr when there is none. */
export class ConsoleLog {
  private readonly out: WriteStream | null;

  constructor(file: string | undefined) {
    this.out = file ? createWriteStream(file) : null;
  }

  write(logs: readonly LogLine[]): void {
    for (const l of logs) {
      const time = new Date(l.timeMs).toISOString();
      if (this.out)
        this.out.write(`${JSON.stringify({ level: l.level, msg: l.msg, source: "console", time })}\n`);
      else
        process.stderr.write(`time="${time}" level=${l.level} msg=${JSON.stringify(l.msg)} source=console\n`);
    }
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await once(this.out, "close");
  }
}
