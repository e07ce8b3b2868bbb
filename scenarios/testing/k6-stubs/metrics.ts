/** A stand-in for `k6/metrics`: metrics remember what was added. */
export const samples: Array<{ metric: string; value: number; tags: unknown }> = [];

class Metric {
  constructor(readonly name: string) {}
  add(value: number, tags?: unknown): void {
    samples.push({ metric: this.name, value, tags });
  }
}

export class Counter extends Metric {}
export class Trend extends Metric {}
export class Rate extends Metric {}
export class Gauge extends Metric {}
