/** Rounds to `digits` decimals, as every figure of the verdict is; null stays null. */
export const round = (n: number | null, digits = 4): number | null =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
