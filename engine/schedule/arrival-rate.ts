/**
 * Start times of arrival-rate iterations. The rate is piecewise linear (a constant rate is one flat stage), in
 * iterations per millisecond. Iteration n (0-based, in schedule order) starts at the first instant the area
 * under the rate curve reaches n, so iteration 0 starts at the scenario's start, and a scenario starts exactly
 * the iterations n < area(total duration). A start at or after the end of the last stage does not happen.
 */
export interface RateStage {
  durationMs: number;
  /** Rate at the stage's end (iterations per ms); the stage ramps linearly from the previous stage's end. */
  targetPerMs: number;
}

export interface RateCurve {
  startPerMs: number;
  stages: readonly RateStage[];
}

export const curveDurationMs = (c: RateCurve): number => c.stages.reduce((s, st) => s + st.durationMs, 0);

/** Area under the curve from 0 to t (iterations started by t, as a real number). */
export const areaAt = (c: RateCurve, tMs: number): number => {
  let area = 0;
  let from = c.startPerMs;
  let at = 0;
  for (const st of c.stages) {
    if (tMs <= at) break;
    const d = Math.min(st.durationMs, tMs - at);
    const slope = st.durationMs > 0 ? (st.targetPerMs - from) / st.durationMs : 0;
    area += from * d + (slope * d * d) / 2;
    at += st.durationMs;
    from = st.targetPerMs;
  }
  return area;
};

/** Iterations a whole curve starts: the integers n with n < area(duration). */
export const plannedStarts = (c: RateCurve): number => {
  const a = areaAt(c, curveDurationMs(c));
  // Guard against 1e-12 noise turning an exact area like 10 into 10.000000000001.
  return Math.max(0, Math.ceil(a - 1e-9));
};

/**
 * Walks the start times in order: `next()` gives the start (ms after the scenario's start) of iteration 0,
 * 1, 2 …, or null once the curve ends. Each call is O(1) amortised: the stage pointer only moves forward.
 */
export class ArrivalClock {
  private stage = 0;
  private stageStartMs = 0;
  private stageStartArea = 0;
  private stageFrom: number;
  private n = 0;
  private readonly total: number;

  constructor(private readonly curve: RateCurve) {
    this.stageFrom = curve.startPerMs;
    this.total = plannedStarts(curve);
  }

  /** Index of the iteration the next call returns. */
  get index(): number {
    return this.n;
  }

  get planned(): number {
    return this.total;
  }

  next(): number | null {
    if (this.n >= this.total) return null;
    const target = this.n;
    const stages = this.curve.stages;
    for (;;) {
      const st = stages[this.stage];
      if (st === undefined) return null;
      const d = st.durationMs;
      const a = this.stageFrom;
      const slope = d > 0 ? (st.targetPerMs - a) / d : 0;
      const stageArea = a * d + (slope * d * d) / 2;
      const need = target - this.stageStartArea;
      if (need <= stageArea + 1e-9 && !(need > 0 && stageArea === 0)) {
        const tau = solveWithin(a, slope, need, d);
        if (tau !== null) {
          this.n++;
          return this.stageStartMs + tau;
        }
      }
      this.stageStartMs += d;
      this.stageStartArea += stageArea;
      this.stageFrom = st.targetPerMs;
      this.stage++;
    }
  }
}

/** Smallest τ in [0, d] with a·τ + slope·τ²/2 = need, or null. */
const solveWithin = (a: number, slope: number, need: number, d: number): number | null => {
  if (need <= 0) return 0;
  let tau: number;
  if (Math.abs(slope) < 1e-15) {
    if (a <= 0) return null;
    tau = need / a;
  } else {
    const disc = a * a + 2 * slope * need;
    if (disc < 0) return null;
    tau = (-a + Math.sqrt(disc)) / slope;
    if (!(tau >= 0)) tau = (-a - Math.sqrt(disc)) / slope;
  }
  if (!Number.isFinite(tau) || tau < 0) return null;
  return tau <= d + 1e-6 ? Math.min(tau, d) : null;
};

/** The rate (iterations per ms) at t, for progress lines and plans. */
export const rateAt = (c: RateCurve, tMs: number): number => {
  let from = c.startPerMs;
  let at = 0;
  for (const st of c.stages) {
    if (tMs < at + st.durationMs) {
      const f = st.durationMs > 0 ? (tMs - at) / st.durationMs : 1;
      return from + (st.targetPerMs - from) * f;
    }
    at += st.durationMs;
    from = st.targetPerMs;
  }
  return 0;
};
