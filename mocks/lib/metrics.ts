/**
 * Prometheus text exposition (format 0.0.4), hand-written: the parts need a handful of counters and gauges,
 * and reading them must stay cheap under load.
 */
export type MetricType = "counter" | "gauge";

interface Family {
  help: string;
  type: MetricType;
  read: () => number | ReadonlyArray<{ labels: Record<string, string>; value: number }>;
}

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

export class Metrics {
  private readonly families = new Map<string, Family>();

  constructor(private readonly constLabels: Record<string, string> = {}) {}

  register(name: string, type: MetricType, help: string, read: Family["read"]): void {
    this.families.set(name, { help, type, read });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      const value = f.read();
      const samples = typeof value === "number" ? [{ labels: {}, value }] : value;
      for (const s of samples) {
        const labels = { ...this.constLabels, ...s.labels };
        const text = Object.entries(labels)
          .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
          .join(",");
        const n = Number.isFinite(s.value) ? String(s.value) : s.value > 0 ? "+Inf" : "NaN";
        lines.push(`${name}${text ? `{${text}}` : ""} ${n}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";
