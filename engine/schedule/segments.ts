/**
 * Execution segments: `executionSegment` ("0:1/4", "25%:50%", "0.5:1") picks this instance's slice of the
 * test and `executionSegmentSequence` ("0,1/4,1/2,1") lists every slice's boundaries, as k6's options do.
 * Every numbered thing (arrival-rate iterations in schedule order, shared iterations, VUs) is dealt to the
 * slices in stripes: with L the least common denominator of the boundaries, index i sits at the point
 * ((i mod L)·g mod L)/L of [0, 1) for a g coprime to L near L/φ, and belongs to the slice holding that point.
 * Multiplying by g permutes each cycle of L indices, so every slice gets exactly its share of each cycle,
 * spread across it rather than in a block, and the slices of a sequence together own every index exactly
 * once. The worker threads of one instance split the instance's own indices round robin by rank.
 */
export interface Fraction {
  num: number;
  den: number;
}

const gcd = (a: number, b: number): number => {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
};

const reduce = (num: number, den: number): Fraction => {
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
};

export const fractionValue = (f: Fraction): number => f.num / f.den;
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;
const same = (a: Fraction, b: Fraction): boolean => a.num * b.den === b.num * a.den;
const less = (a: Fraction, b: Fraction): boolean => a.num * b.den < b.num * a.den;

/** "1/4", "25%", "0.25", "0", "1" → a fraction in [0, 1], or null. */
export const parseFraction = (text: string): Fraction | null => {
  const t = text.trim();
  let m = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (m) {
    const den = Number(m[2]);
    if (den === 0) return null;
    const f = reduce(Number(m[1]), den);
    return f.num <= f.den ? f : null;
  }
  m = /^(\d+(?:\.(\d+))?)(%?)$/.exec(t);
  if (!m) return null;
  const decimals = m[2]?.length ?? 0;
  const scale = 10 ** decimals * (m[3] === "%" ? 100 : 1);
  const f = reduce(Math.round(Number(m[1]) * 10 ** decimals), scale);
  return f.num <= f.den ? f : null;
};

export const parseSegment = (text: string): [Fraction, Fraction] | null => {
  const parts = text.split(":");
  if (parts.length === 1) {
    const to = parseFraction(parts[0] as string);
    return to && to.num > 0 ? [{ num: 0, den: 1 }, to] : null;
  }
  if (parts.length !== 2) return null;
  const from = parseFraction(parts[0] as string);
  const to = parseFraction(parts[1] as string);
  if (!from || !to || !less(from, to)) return null;
  return [from, to];
};

export const parseSequence = (text: string): Fraction[] | null => {
  const parts = text.split(",").map(parseFraction);
  if (parts.some((p) => p === null) || parts.length < 2) return null;
  const list = parts as Fraction[];
  for (let i = 1; i < list.length; i++) if (!less(list[i - 1] as Fraction, list[i] as Fraction)) return null;
  if (!same(list[0] as Fraction, { num: 0, den: 1 }) || !same(list.at(-1) as Fraction, { num: 1, den: 1 }))
    return null;
  return list;
};

/** The largest stripe period accepted (the LCD of the boundaries). */
export const maxPeriod = 1_000_000;

const strideFor = (period: number): number => {
  if (period <= 2) return 1;
  const ideal = period / ((1 + Math.sqrt(5)) / 2);
  for (let d = 0; d < period; d++) {
    for (const g of [Math.round(ideal) - d, Math.round(ideal) + d])
      if (g > 0 && g < period && gcd(g, period) === 1) return g;
  }
  return 1;
};

/** Which indices one slice of a sequence owns. */
export class SegmentMap {
  readonly period: number;
  private readonly owned: number[];
  private readonly ownedBefore: Int32Array;
  private readonly mine: Uint8Array;

  constructor(sequence: readonly Fraction[], segment: readonly [Fraction, Fraction]) {
    const den = [...sequence, ...segment].reduce((l, f) => lcm(l, f.den), 1);
    if (den > maxPeriod)
      throw new Error(`the execution segments' common denominator ${den} is over ${maxPeriod}`);
    this.period = den;
    const g = strideFor(den);
    const from = segment[0].num * (den / segment[0].den);
    const to = segment[1].num * (den / segment[1].den);
    this.mine = new Uint8Array(den);
    this.ownedBefore = new Int32Array(den + 1);
    this.owned = [];
    for (let p = 0; p < den; p++) {
      const point = (p * g) % den;
      const own = point >= from && point < to;
      this.mine[p] = own ? 1 : 0;
      this.ownedBefore[p + 1] = (this.ownedBefore[p] as number) + (own ? 1 : 0);
      if (own) this.owned.push(p);
    }
  }

  /** Owned indices per period. */
  get share(): number {
    return this.owned.length;
  }

  owns(i: number): boolean {
    return this.mine[i % this.period] === 1;
  }

  /** How many indices below n this slice owns. */
  countBelow(n: number): number {
    const cycles = Math.floor(n / this.period);
    return cycles * this.owned.length + (this.ownedBefore[n - cycles * this.period] as number);
  }

  /** The r-th (0-based) index this slice owns. */
  indexOfRank(r: number): number {
    const k = this.owned.length;
    if (k === 0) return Number.POSITIVE_INFINITY;
    return Math.floor(r / k) * this.period + (this.owned[r % k] as number);
  }
}

/** The segment settings of one instance, validated; the default is the whole test. */
export interface Segmentation {
  segment: [Fraction, Fraction];
  sequence: Fraction[];
}

export const wholeTest: Segmentation = {
  segment: [
    { num: 0, den: 1 },
    { num: 1, den: 1 },
  ],
  sequence: [
    { num: 0, den: 1 },
    { num: 1, den: 1 },
  ],
};

/** Reads the two options; an error message names the option that is wrong. */
export const resolveSegmentation = (
  segmentText: string | undefined,
  sequenceText: string | undefined,
): Segmentation | { error: string } => {
  const segment = segmentText === undefined ? wholeTest.segment : parseSegment(segmentText);
  if (!segment)
    return { error: `executionSegment: "${segmentText}" is not a segment like "0:1/4" or "25%:50%"` };
  let sequence: Fraction[];
  if (sequenceText === undefined) {
    sequence = [{ num: 0, den: 1 }];
    for (const f of segment) if (!sequence.some((s) => same(s, f))) sequence.push(f);
    if (!sequence.some((s) => same(s, { num: 1, den: 1 }))) sequence.push({ num: 1, den: 1 });
  } else {
    const parsed = parseSequence(sequenceText);
    if (!parsed)
      return {
        error: `executionSegmentSequence: "${sequenceText}" is not an increasing list from 0 to 1 like "0,1/4,1/2,1"`,
      };
    sequence = parsed;
  }
  if (!segment.every((f) => sequence.some((s) => same(s, f))))
    return {
      error: `executionSegment: "${segmentText}" does not start and end on boundaries of the sequence`,
    };
  const den = [...sequence, ...segment].reduce((l, f) => lcm(l, f.den), 1);
  if (den > maxPeriod)
    return { error: `executionSegmentSequence: the boundaries' common denominator is over ${maxPeriod}` };
  return { segment, sequence };
};

/** Index of this instance's segment within the sequence (for interleaving ids that cannot be striped). */
export const segmentIndex = (s: Segmentation): { index: number; count: number } => {
  const index = s.sequence.findIndex((f) => same(f, s.segment[0]));
  return { index: Math.max(0, index), count: s.sequence.length - 1 };
};

/**
 * Indices one worker thread owns: the instance's own indices (by the segment map), dealt round robin to its
 * `workers` threads by rank.
 */
export class WorkerSlice {
  constructor(
    readonly map: SegmentMap,
    readonly worker: number,
    readonly workers: number,
  ) {}

  /** The r-th index of this worker. */
  indexOfRank(r: number): number {
    return this.map.indexOfRank(r * this.workers + this.worker);
  }

  /** How many indices below n this worker owns. */
  countBelow(n: number): number {
    const instance = this.map.countBelow(n);
    return Math.max(0, Math.ceil((instance - this.worker) / this.workers));
  }

  owns(i: number): boolean {
    if (!this.map.owns(i)) return false;
    return this.map.countBelow(i) % this.workers === this.worker;
  }
}
