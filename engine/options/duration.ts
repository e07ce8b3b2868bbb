/**
 * k6 durations: a string of decimal numbers with units (`1h30m`, `1.5s`, `250ms`, `2d`, as Go's
 * time.ParseDuration reads them, plus days), or a plain number of milliseconds. Returns milliseconds, or null
 * when the text is not a duration.
 */
const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;

export const parseDuration = (value: unknown): number | null => {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "0") return 0;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "") return null;
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const at = part.lastIndex;
    const m = part.exec(text);
    if (!m || m.index !== at) return null;
    total += Number(m[1]) * (unitMs[m[2] as string] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : null;
};

/** A duration as k6 prints it: `1m30s`, `250ms`, `0s`. */
export const formatDuration = (ms: number): string => {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`;
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const s = Math.round(rest * 1000) / 1000;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 || (h === 0 && m === 0) ? `${s}s` : ""}`;
};
