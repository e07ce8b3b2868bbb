import { appendFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { type GuardedHttp, loopbackHttp } from "../../engine/net/guarded-fetch.js";
import { sleep } from "../../kernel/sleep.js";
import { parsePrometheusText } from "./prometheus.js";

/**
 * One line of `metrics.ndjson`: a scrape of the target's /metrics at wall time `at` (epoch ms; the scraper
 * starts before the load, so it cannot know t0 yet).
 */
export const MetricsSample = z.union([
  z.object({ at: z.number(), ok: z.literal(true), values: z.record(z.string(), z.number()) }),
  z.object({ at: z.number(), ok: z.literal(false), error: z.string() }),
]);
export type MetricsSample = z.infer<typeof MetricsSample>;

export interface ScraperOptions {
  /** Full URL of the target's metrics endpoint (loopback or an allowlisted staging host). */
  url: string;
  file: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Hard stop, whatever happens: the loop is bounded in time and in count. */
  maxDurationMs: number;
  /** Through the run's guarded dialler (loopback only by default). */
  http?: GuardedHttp;
}

/**
 * Samples a target's Prometheus /metrics during a run into NDJSON. One request at a time, each with a timeout;
 * a failed scrape (the link may be down: that is what a fault does) is recorded, never retried in a burst.
 */
export class MetricsScraper {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly http = loopbackHttp();
  samples = 0;
  failures = 0;

  constructor(private readonly o: ScraperOptions) {
    writeFileSync(o.file, "");
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const interval = this.o.intervalMs ?? 500;
    const timeout = this.o.timeoutMs ?? 1000;
    const maxSamples = Math.ceil(this.o.maxDurationMs / interval) + 1;
    const deadline = performance.now() + this.o.maxDurationMs;
    for (let n = 0; n < maxSamples && !this.stopped && performance.now() < deadline; n++) {
      const started = performance.now();
      const at = Date.now();
      let sample: MetricsSample;
      try {
        const res = await (this.o.http ?? this.http).get(this.o.url, timeout);
        const text = await res.text();
        sample = res.ok
          ? { at, ok: true, values: parsePrometheusText(text) }
          : { at, ok: false, error: `HTTP ${res.status}` };
      } catch (e) {
        sample = { at, ok: false, error: (e as Error).message };
      }
      this.samples++;
      if (!sample.ok) this.failures++;
      appendFileSync(this.o.file, `${JSON.stringify(sample)}\n`);
      const wait = interval - (performance.now() - started);
      if (wait > 0 && !this.stopped) await sleep(wait);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.http.close();
  }
}

/** Whether a target has a metrics endpoint at all (one bounded probe before the run). */
export const probeMetrics = async (
  url: string,
  timeoutMs = 1000,
  http: GuardedHttp = loopbackHttp(),
): Promise<string | null> => {
  try {
    const res = await http.get(url, timeoutMs);
    const text = await res.text();
    if (!res.ok) return `GET ${url}: HTTP ${res.status}`;
    return Object.keys(parsePrometheusText(text)).length > 0 ? null : `GET ${url}: no Prometheus samples`;
  } catch (e) {
    return `GET ${url}: ${(e as Error).message}`;
  }
};
