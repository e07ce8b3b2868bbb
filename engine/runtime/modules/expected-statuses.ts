/** `http.expectedStatuses(200, {min: 300, max: 399})`: which statuses count as an expected answer. */
export interface ExpectedStatuses {
  readonly kind: "expectedStatuses";
  readonly singles: ReadonlySet<number>;
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

export const defaultExpected: ExpectedStatuses = {
  kind: "expectedStatuses",
  singles: new Set(),
  ranges: [[200, 399]],
};

export const expectedStatuses = (...args: unknown[]): ExpectedStatuses => {
  const singles = new Set<number>();
  const ranges: Array<readonly [number, number]> = [];
  for (const a of args) {
    if (typeof a === "number" && Number.isInteger(a)) singles.add(a);
    else if (a && typeof a === "object" && "min" in a && "max" in a) {
      const { min, max } = a as { min: unknown; max: unknown };
      if (typeof min !== "number" || typeof max !== "number")
        throw new TypeError("http.expectedStatuses: a range needs numeric min and max");
      ranges.push([min, max]);
    } else
      throw new TypeError(`http.expectedStatuses: ${JSON.stringify(a)} is neither a status nor {min, max}`);
  }
  return { kind: "expectedStatuses", singles, ranges };
};

export const isExpected = (e: ExpectedStatuses, status: number): boolean =>
  e.singles.has(status) || e.ranges.some(([lo, hi]) => status >= lo && status <= hi);

export const isExpectedStatuses = (v: unknown): v is ExpectedStatuses =>
  typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "expectedStatuses";
