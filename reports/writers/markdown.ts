import type { Verdict } from "../verdict/schema.js";
import { engineRows } from "./engine-block.js";
import { criterionTitle, formatValue, type Labels, type Lang, labelsFor } from "./i18n.js";

/** What every section of the Markdown report reads. */
interface MdPage {
  v: Verdict;
  L: Labels;
  lang: Lang;
  pct: (x: number | null | undefined) => string;
}

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? "—" : `${Math.round(v)} ms`;

/** `- label: value`, or why it was not measured; nothing for a figure the verdict does not carry. */
const figure = (
  { L, lang }: MdPage,
  label: string,
  m: { value: number | null; reason?: string } | undefined,
  unit: string,
): string[] =>
  m
    ? [
        `- ${label}: ${m.value === null ? `${L.notMeasured} (${m.reason ?? ""})` : formatValue(m.value, unit, lang)}`,
      ]
    : [];

const header = ({ v, L }: MdPage): string[] => [
  `# ${L.title} ${v.runId}: ${L.outcome[v.outcome]}`,
  "",
  `- ${L.target}: ${v.target}`,
  `- ${L.profile}: ${v.profile}; ${L.faultPlan}: ${v.faultPlan}`,
  `- ${L.loadStarted}: ${v.loadStartedAt}`,
  ...v.inconclusiveReasons.map((r) => `- **${L.inconclusive}:** ${r}`),
  "",
];

const criteria = ({ v, L, lang }: MdPage): string[] => [
  `## ${L.criteria}`,
  "",
  `| | ${L.criterion} | ${L.observed} | ${L.threshold} |`,
  "|---|---|---|---|",
  ...v.criteria.map((c) => {
    const remark = c.status === "not-judged" ? c.reason : c.note;
    const note = remark ? ` (${remark})` : "";
    const cmp = c.comparison === ">=" ? "≥" : "≤";
    const result =
      c.status === "failed" ? `**${L.fail}**` : c.status === "passed" ? L.pass : `_${L.notJudged}_`;
    return `| ${result} | ${criterionTitle(c.id, c.title, lang)} | ${formatValue(c.observed, c.unit, lang)}${note} | ${cmp} ${formatValue(c.threshold, c.unit, lang)} |`;
  }),
  "",
];

const faults = ({ v, L, pct }: MdPage): string[] =>
  v.faults.length === 0
    ? []
    : [
        `## ${L.faults}`,
        "",
        `| ${L.fault} | ${L.link} | ${L.planned} | ${L.applied} | ${L.startSkew} | ${L.timeToDetect} | ${L.timeToRecover} | ${L.errorRateDuring} | ${L.p95During} | ${L.burnRate} |`,
        "|---|---|---|---|---|---|---|---|---|---|",
        ...v.faults.map(
          (f) =>
            `| ${f.id} (${f.kind}) | ${f.link} | ${f.plannedStartMs}–${f.plannedEndMs} | ${ms(f.appliedStartMs)}–${ms(f.appliedEndMs)} | ${ms(f.startSkewMs)} | ${ms(f.timeToDetectMs)} | ${ms(f.timeToRecoverMs)} | ${pct(f.errorRateDuring)} | ${ms(f.p95DuringMs)} | ${f.burnRate ?? "—"} |`,
        ),
        "",
        `${L.baseline} ${v.baseline.fromMs}–${v.baseline.toMs} ms: ${v.baseline.requests} ${L.requests}, ${pct(v.baseline.errorRate)}, p95 ${ms(v.baseline.p95Ms)}.`,
        `${L.tolerance}: ${v.tolerance.rule}.`,
        "",
      ];

const dossiers = ({ v, L }: MdPage): string[] => {
  const d = v.dossiers;
  const n = (x: number | null) => (x === null ? L.notChecked : String(x));
  const examples: Array<[string, readonly string[]]> = [
    [L.funnel.lost, d.examples.lost],
    [L.funnel.duplicated, d.examples.duplicated],
    [L.funnel.stuck, d.examples.stuck],
    [L.funnel.illegal, d.examples.illegal],
  ];
  return [
    `## ${L.dossiers}`,
    "",
    `${L.funnel.submitted} ${d.submitted} → ${L.funnel.acknowledged} ${d.acknowledged} → ${L.funnel.found} ${d.found}; ${L.funnel.lost} ${d.lost}, ${L.funnel.duplicated} ${d.duplicated}, ${L.funnel.stuck} ${n(d.stuck)}, ${L.funnel.illegal} ${n(d.illegalTransitions)}, ${L.funnel.lookupErrors} ${d.lookupErrors}.`,
    ...examples
      .filter(([, list]) => list.length > 0)
      .map(([label, list]) => `- ${L.examples} (${label}): ${list.join("; ")}`),
    ...d.notes.map((note) => `- ${note}`),
    "",
  ];
};

const resilience = (p: MdPage): string[] => {
  const { v, L, lang } = p;
  const retry = v.queue.retryAfter;
  const b = v.errorBudget;
  return [
    `## ${L.resilience}`,
    "",
    ...figure(p, L.queuePeak, v.queue.peakDepth, ""),
    ...figure(p, L.queueDrain, v.queue.drainTimeMs, "ms"),
    ...figure(p, L.shed, v.queue.shed, ""),
    ...(retry
      ? [
          `- ${L.retries}: ${retry.retries}`,
          ...figure(p, L.retryAfterSent, retry.sentShare, "ratio"),
          ...figure(p, L.retryAfterHonoured, retry.honouredShare, "ratio"),
        ]
      : []),
    ...figure(p, L.failover, v.failover.durationMs, "ms"),
    ...figure(p, L.syncLag, v.sync.lagMs, "ms"),
    ...figure(p, L.syncDrain, v.sync.drainTimeMs, "ms"),
    ...(b
      ? [
          `- ${L.errorBudget}: ${L.errorBudgetLine(formatValue(b.sloErrorRate, "ratio", lang), String(b.allowedErrors), b.errors, b.burned === null ? "—" : formatValue(b.burned, "ratio", lang))}`,
        ]
      : []),
    "",
  ];
};

const load = (p: MdPage): string[] => {
  const { v, L, lang, pct } = p;
  const l = v.load;
  return [
    `## ${L.load}`,
    "",
    L.loadLine(
      l.plannedIterations,
      l.plannedPeakRequestsPerS,
      l.achievedIterations,
      l.achievedRequests,
      l.droppedIterations,
    ),
    ...figure(p, L.generatorCpu, l.generatorCpu, "ratio"),
    `${L.steady}: p50 ${ms(v.steady.p50Ms)}, p95 ${ms(v.steady.p95Ms)}, p99 ${ms(v.steady.p99Ms)}, ${pct(v.steady.errorRate)}.`,
    "",
    `| ${L.step} | ${L.requests} | % | p50 | p95 | p99 |`,
    "|---|---|---|---|---|---|",
    ...v.steps.map(
      (s) =>
        `| ${s.step} | ${s.requests} | ${pct(s.errorRate)} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.p99Ms)} |`,
    ),
    "",
    `### ${L.engine}`,
    "",
    ...engineRows(v, lang).map(([, label, value]) => `- ${label}: ${value}`),
    ...l.engine.reason.map((r) => `- ${r}`),
    "",
  ];
};

const assumptions = ({ v, L }: MdPage): string[] =>
  v.assumptions.length > 0
    ? [`## ${L.assumptions}`, "", ...v.assumptions.map((a) => `- ${L.assumption}: ${a}`), ""]
    : [];

const fingerprint = ({ v, L }: MdPage): string[] => {
  const f = v.fingerprint;
  const tools = Object.entries(f.tools)
    .map(([k, val]) => `${k} ${val}`)
    .join(", ");
  const data = Object.entries(f.dataHashes ?? {})
    .map(([k, h]) => `, ${k} ${h.slice(0, 16)}`)
    .join("");
  return [
    `## ${L.fingerprint}`,
    "",
    `- ${L.tools}: ${tools}; Node ${f.node}`,
    `- ${L.seed} ${f.seed}; ${L.git} ${f.gitRevision ?? "unknown"}`,
    `- ${L.hashes}: config ${f.configHash.slice(0, 16)}, profile ${f.profileHash.slice(0, 16)}, fault plan ${f.faultPlanHash.slice(0, 16)}, scenario bundle ${f.scenarioBundleHash.slice(0, 16)}${data}`,
    "",
  ];
};

const sections: ReadonlyArray<(p: MdPage) => string[]> = [
  header,
  criteria,
  faults,
  dossiers,
  resilience,
  load,
  assumptions,
  fingerprint,
];

/** A Markdown report for a merge-request comment or a terminal. */
export const renderMarkdown = (v: Verdict, lang: Lang = "en"): string => {
  const pct = (x: number | null | undefined): string =>
    x === null || x === undefined ? "—" : formatValue(x, "ratio", lang);
  const page: MdPage = { v, L: labelsFor(lang), lang, pct };
  return sections.flatMap((section) => section(page)).join("\n");
};
