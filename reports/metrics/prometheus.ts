/**
 * Minimal Prometheus text-format (0.0.4) reader: `name{labels} value [timestamp]` lines, comments skipped.
 * Keys keep their label set verbatim (`portal_dossier_writes_total{role="standby"}`), so a series is found
 * by its exact name and labels.
 */
export const parsePrometheusText = (text: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let nameEnd = line.indexOf("{");
    let rest: string;
    let key: string;
    if (nameEnd >= 0 && nameEnd < (line.indexOf(" ") < 0 ? line.length : line.indexOf(" "))) {
      const close = line.indexOf("}", nameEnd);
      if (close < 0) continue;
      key = `${line.slice(0, nameEnd)}${normaliseLabels(line.slice(nameEnd + 1, close))}`;
      rest = line.slice(close + 1).trim();
    } else {
      nameEnd = line.search(/\s/);
      if (nameEnd < 0) continue;
      key = line.slice(0, nameEnd);
      rest = line.slice(nameEnd).trim();
    }
    const valueText = rest.split(/\s+/)[0] ?? "";
    const value =
      valueText === "+Inf"
        ? Number.POSITIVE_INFINITY
        : valueText === "-Inf"
          ? Number.NEGATIVE_INFINITY
          : Number(valueText);
    if (valueText !== "" && !Number.isNaN(value)) out[key] = value;
  }
  return out;
};

/** Labels sorted by name, so `{b="1",a="2"}` and `{a="2",b="1"}` are one series. */
const normaliseLabels = (inner: string): string => {
  const pairs: string[] = [];
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(inner); m !== null; m = re.exec(inner)) pairs.push(`${m[1]}="${m[2]}"`);
  pairs.sort();
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
};
