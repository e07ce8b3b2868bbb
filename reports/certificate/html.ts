import { formatValue } from "../writers/i18n.js";
import { escapeXml as esc } from "../writers/svg-chart.js";
import type { Certificate, CertificateCriterion } from "./schema.js";

const css = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1b1b;background:#f5f5f5;margin:0}
main{max-width:960px;margin:0 auto;padding:18px 22px 40px;background:#fff}
h1{font-size:22px;margin:6px 0}h2{font-size:16px;margin:24px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 8px}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}code{font-size:12px;word-break:break-all}
.stamp{display:inline-block;padding:3px 12px;border-radius:4px;font-weight:700;color:#fff}
.certified{background:#2e7d32}.not-certified{background:#c62828}
td.passed{color:#2e7d32}td.failed{color:#c62828;font-weight:700}td.not-judged{color:#757575;font-style:italic}
code.id{color:#555}.meta{margin:2px 0;color:#333}
`;

const statusText = { passed: "passed", failed: "FAILED", "not-judged": "not judged" } as const;

const figure = (c: CertificateCriterion, v: number | undefined): string =>
  v === undefined ? "—" : formatValue(v, c.unit ?? "", "en");

const criterionRow = (c: CertificateCriterion): string =>
  `<tr class="${c.required ? "required" : "optional"}"><td>${esc(c.title)}<br><code class="id">${esc(c.id)}</code></td>` +
  `<td class="${c.status}">${statusText[c.status]}</td>` +
  `<td>${esc(figure(c, c.value))}</td><td>${c.limit === undefined ? "—" : esc(`${c.comparison ?? "<="} ${figure(c, c.limit)}`)}</td>` +
  `<td>${esc(c.reason ?? "")}</td></tr>`;

const keyValues = (id: string, rows: ReadonlyArray<[string, string]>): string[] => [
  `<table id="${id}"><tbody>`,
  ...rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`),
  "</tbody></table>",
];

const summary = (c: Certificate): string[] => {
  const s = c.scale;
  const share = `${(s.shareOfReferencePeak * 100).toLocaleString("en-GB", { maximumFractionDigits: 2 })} %`;
  return [
    `<h1>Certificate <code>${esc(c.runId)}</code> <span class="stamp ${c.outcome}" id="outcome">${c.outcome === "certified" ? "CERTIFIED" : "NOT CERTIFIED"}</span></h1>`,
    `<p class="meta">Battery <strong>${esc(c.battery.name)}</strong> version ${esc(c.battery.version)} · target ${esc(c.target)} · issued ${esc(c.issuedAt)}</p>`,
    `<p class="meta">Certified iff every required criterion passed; a required criterion not judged is a miss. The verdict's own outcome: ${esc(c.verdictOutcome)}.</p>`,
    "<h2>Scale</h2>",
    ...keyValues("scale", [
      ["Profile, fault plan", esc(`${s.profile}, ${s.faultPlan}`)],
      [
        "Planned peak",
        esc(
          `${s.plannedPeakRequestsPerS.toLocaleString("en-GB", { maximumFractionDigits: 1 })} requests/s: ${share} of the July-1 peak (${s.referencePeakRequestsPerS.toLocaleString("en-GB")} requests/s)`,
        ),
      ],
      [
        "Duration",
        esc(
          `${Math.round(s.durationS * 10) / 10} s, ${s.achievedRequests.toLocaleString("en-GB")} requests made`,
        ),
      ],
    ]),
  ];
};

const criteriaRows = (id: string, heading: string, rows: readonly CertificateCriterion[]): string[] =>
  rows.length === 0
    ? []
    : [
        `<h2>${esc(heading)}</h2>`,
        `<table id="${id}"><thead><tr><th>criterion</th><th>status</th><th>value</th><th>limit</th><th>reason</th></tr></thead><tbody>`,
        ...rows.map(criterionRow),
        "</tbody></table>",
      ];

/** The battery's required criteria first (they decide), then the others (reported, not deciding). */
const criteriaTables = (c: Certificate): string[] => {
  const required = c.criteria.filter((x) => x.required);
  const others = c.criteria.filter((x) => !x.required);
  return [
    ...criteriaRows("required", `Required criteria (${required.length})`, required),
    ...criteriaRows("others", `Other criteria (${others.length}): reported, not required`, others),
  ];
};

const fingerprint = (c: Certificate): string[] => {
  const f = c.fingerprint;
  const tools = Object.entries(f.tools).map(([k, v]) => `${k} ${v}`);
  return [
    "<h2>Fingerprint</h2>",
    ...keyValues("fingerprint", [
      ["Tools", esc(`${tools.join(", ")}; Node ${f.node}`)],
      ["Seed", String(f.seed)],
      ["Git revision", `<code>${esc(f.gitRevision ?? "unknown")}</code>`],
      ["Config SHA-256", `<code>${esc(f.configHash)}</code>`],
      ["Profile SHA-256", `<code>${esc(f.profileHash)}</code>`],
      ["Fault plan SHA-256", `<code>${esc(f.faultPlanHash)}</code>`],
      ["Scenario bundle SHA-256", `<code>${esc(f.scenarioBundleHash)}</code>`],
    ]),
  ];
};

const filesAndSeal = (c: Certificate): string[] => [
  "<h2>Files of the run directory</h2>",
  '<table id="files"><thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>',
  ...c.files.map(
    (f) =>
      `<tr><td>${esc(f.path)}</td><td>${f.bytes.toLocaleString("en-GB")}</td><td><code>${esc(f.sha256)}</code></td></tr>`,
  ),
  "</tbody></table>",
  "<h2>Seal</h2>",
  ...keyValues("seal", [
    ["Digest (SHA-256 of the canonical certificate)", `<code>${esc(c.digest)}</code>`],
    [
      "Signature",
      c.signature === undefined
        ? "not signed: the digest shows accidental changes only; anyone can recompute it"
        : `${esc(c.signature.algorithm)}, public key SHA-256 <code>${esc(c.signature.publicKeyFingerprint)}</code>`,
    ],
  ]),
  '<p class="meta">certificate.json is the certificate; this page shows it. Verifying it rehashes every file above, recomputes the verdict from the run\'s data and, given the public key, checks the signature.</p>',
];

/** The certificate for people: one self-contained page (inline CSS, no script, nothing fetched). */
export const renderCertificateHtml = (c: Certificate): string =>
  [
    `<!doctype html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(`Certificate ${c.runId}: ${c.outcome}`)}</title><style>${css}</style></head><body><main>`,
    ...summary(c),
    ...criteriaTables(c),
    ...fingerprint(c),
    ...filesAndSeal(c),
    "</main></body></html>\n",
  ].join("\n");
