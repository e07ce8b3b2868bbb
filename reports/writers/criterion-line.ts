import type { Criterion } from "../verdict/schema.js";

/** One criterion as a terminal line: its result, title, observed figure and threshold, or why it was not judged. */
export const criterionLine = (c: Criterion): string => {
  const figure = `${c.title}: ${c.observed ?? "—"} ${c.unit} (${c.comparison ?? "<="} ${c.threshold})`;
  if (c.status === "not-judged") return `  not judged  ${c.title}: ${c.reason ?? ""}`;
  return `  ${c.status === "passed" ? "pass" : "FAIL"}  ${figure}${c.status === "failed" && c.note ? ` ${c.note}` : ""}`;
};
