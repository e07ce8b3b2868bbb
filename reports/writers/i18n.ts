import { z } from "zod";

/** Report languages: English by default, Vietnamese for the officials who read them. */
export const Lang = z.enum(["en", "vi"]);
export type Lang = z.infer<typeof Lang>;

const en = {
  title: "portal-harness run",
  outcome: { passed: "PASSED", failed: "FAILED", inconclusive: "INCONCLUSIVE" },
  target: "Target",
  profile: "Profile",
  faultPlan: "Fault plan",
  loadStarted: "Load started (t0)",
  inconclusive: "Inconclusive",
  criteria: "Criteria",
  criterion: "criterion",
  observed: "observed",
  threshold: "threshold",
  result: "result",
  pass: "pass",
  fail: "FAIL",
  charts: "Over time",
  throughput: "Throughput (requests/s) and errors/s",
  latency: "Latency percentiles (ms)",
  errorRate: "Error rate (%)",
  stepLatency: "p95 latency per step (ms)",
  queueDepth: "Gateway queue depth",
  seconds: "s after t0",
  faultShaded: "Shaded: fault windows as applied (hatched: planned but never applied).",
  faults: "Faults: planned vs applied (ms after t0)",
  fault: "fault",
  link: "link",
  planned: "planned",
  applied: "applied",
  startSkew: "start skew",
  timeToDetect: "time to detect",
  timeToRecover: "time to recover",
  errorRateDuring: "error rate during",
  p95During: "p95 during",
  burnRate: "burn rate",
  budgetBurned: "budget burned",
  baseline: "Baseline",
  tolerance: "Tolerance",
  requests: "requests",
  dossiers: "Dossiers",
  funnel: {
    submitted: "submitted",
    acknowledged: "acknowledged",
    found: "found by lookup",
    lost: "lost",
    duplicated: "duplicated",
    stuck: "stuck",
    illegal: "illegal transitions",
    lookupErrors: "lookup errors",
  },
  examples: "Examples",
  notChecked: "not checked",
  resilience: "Queueing, failover and sync",
  figure: "figure",
  value: "value",
  queuePeak: "queue peak depth",
  queueDrain: "queue drain time",
  shed: "shed requests",
  admitted: "admitted requests",
  retries: "retries by the load (all causes)",
  retryAfterSent: "retried refusals (429/503) that carried Retry-After",
  retryAfterHonoured: "retries that waited as long as Retry-After asked (client behaviour, not judged)",
  failover: "failover duration",
  syncLag: "national-sync lag (peak)",
  syncDrain: "national-sync drain time",
  syncBacklog: "national-sync backlog (peak)",
  errorBudget: "Error budget",
  errorBudgetLine: (slo: string, allowed: string, errors: number, burned: string) =>
    `SLO error rate ${slo}: ${allowed} errors allowed over the run, ${errors} made, ${burned} of the budget burned.`,
  notMeasured: "not measured",
  load: "Load",
  loadLine: (planned: number, peak: number, achieved: number, requests: number, dropped: number) =>
    `Planned ${planned} iterations (peak ${peak} requests/s); achieved ${achieved} iterations, ${requests} requests; dropped ${dropped}.`,
  generatorCpu: "Load generator CPU (mean share of all cores)",
  steady: "Steady state",
  steps: "Per step",
  step: "step",
  provinces: "Per province",
  province: "province",
  p50: "p50",
  p95: "p95",
  p99: "p99",
  assumptions: "Assumptions (not published figures)",
  assumption: "Assumption",
  fingerprint: "Fingerprint",
  tools: "Tools",
  seed: "Seed",
  git: "git",
  hashes: "SHA-256",
  dashboard: "k6 web dashboard export",
  lang: "Language",
  none: "—",
};

export type Labels = typeof en;

const vi: Labels = {
  title: "Lần chạy portal-harness",
  outcome: { passed: "ĐẠT", failed: "KHÔNG ĐẠT", inconclusive: "CHƯA KẾT LUẬN ĐƯỢC" },
  target: "Hệ thống kiểm thử",
  profile: "Kịch bản tải",
  faultPlan: "Kế hoạch sự cố",
  loadStarted: "Bắt đầu tải (t0)",
  inconclusive: "Chưa kết luận được",
  criteria: "Tiêu chí",
  criterion: "tiêu chí",
  observed: "đo được",
  threshold: "ngưỡng",
  result: "kết quả",
  pass: "đạt",
  fail: "KHÔNG ĐẠT",
  charts: "Diễn biến theo thời gian",
  throughput: "Thông lượng (yêu cầu/giây) và lỗi/giây",
  latency: "Phân vị độ trễ (ms)",
  errorRate: "Tỷ lệ lỗi (%)",
  stepLatency: "Độ trễ p95 theo bước (ms)",
  queueDepth: "Độ dài hàng đợi của cổng",
  seconds: "giây sau t0",
  faultShaded: "Vùng tô: thời gian sự cố thực tế (gạch chéo: đã lên kế hoạch nhưng không được áp dụng).",
  faults: "Sự cố: kế hoạch và thực tế (ms sau t0)",
  fault: "sự cố",
  link: "liên kết",
  planned: "kế hoạch",
  applied: "thực tế",
  startSkew: "độ lệch bắt đầu",
  timeToDetect: "thời gian phát hiện",
  timeToRecover: "thời gian phục hồi",
  errorRateDuring: "tỷ lệ lỗi trong sự cố",
  p95During: "p95 trong sự cố",
  burnRate: "tốc độ tiêu hao",
  budgetBurned: "ngân sách lỗi đã dùng",
  baseline: "Mức nền",
  tolerance: "Dung sai",
  requests: "yêu cầu",
  dossiers: "Hồ sơ",
  funnel: {
    submitted: "đã nộp",
    acknowledged: "được xác nhận",
    found: "tra cứu thấy",
    lost: "bị mất",
    duplicated: "bị trùng",
    stuck: "bị treo",
    illegal: "chuyển trạng thái sai",
    lookupErrors: "lỗi tra cứu",
  },
  examples: "Ví dụ",
  notChecked: "không kiểm tra được",
  resilience: "Hàng đợi, chuyển đổi dự phòng và đồng bộ",
  figure: "chỉ số",
  value: "giá trị",
  queuePeak: "độ dài hàng đợi cao nhất",
  queueDrain: "thời gian giải phóng hàng đợi",
  shed: "yêu cầu bị từ chối",
  admitted: "yêu cầu được nhận",
  retries: "lần thử lại của máy tạo tải (mọi nguyên nhân)",
  retryAfterSent: "yêu cầu bị từ chối (429/503) có kèm Retry-After",
  retryAfterHonoured: "lần thử lại chờ đủ Retry-After (hành vi của máy khách, không chấm điểm)",
  failover: "thời gian chuyển đổi dự phòng",
  syncLag: "độ trễ đồng bộ quốc gia (cao nhất)",
  syncDrain: "thời gian giải phóng hàng chờ đồng bộ",
  syncBacklog: "hàng chờ đồng bộ quốc gia (cao nhất)",
  errorBudget: "Ngân sách lỗi",
  errorBudgetLine: (slo, allowed, errors, burned) =>
    `Tỷ lệ lỗi SLO ${slo}: cho phép ${allowed} lỗi trong lần chạy, thực tế ${errors}, đã dùng ${burned} ngân sách.`,
  notMeasured: "không đo được",
  load: "Tải",
  loadLine: (planned, peak, achieved, requests, dropped) =>
    `Kế hoạch ${planned} lượt (đỉnh ${peak} yêu cầu/giây); thực hiện ${achieved} lượt, ${requests} yêu cầu; bỏ lỡ ${dropped}.`,
  generatorCpu: "CPU của máy tạo tải (tỷ lệ trung bình trên mọi nhân)",
  steady: "Trạng thái ổn định",
  steps: "Theo bước",
  step: "bước",
  provinces: "Theo tỉnh",
  province: "tỉnh",
  p50: "p50",
  p95: "p95",
  p99: "p99",
  assumptions: "Giả định (không phải số liệu công bố)",
  assumption: "Giả định",
  fingerprint: "Dấu vết lần chạy",
  tools: "Công cụ",
  seed: "Hạt giống ngẫu nhiên",
  git: "git",
  hashes: "SHA-256",
  dashboard: "Bảng điều khiển web của k6 (xuất tệp)",
  lang: "Ngôn ngữ",
  none: "—",
};

export const labelsFor = (lang: Lang): Labels => (lang === "vi" ? vi : en);

/** Criterion titles by id (the verdict keeps English titles; writers translate by id). */
export const criterionTitle = (id: string, englishTitle: string, lang: Lang): string => {
  if (lang === "en") return englishTitle;
  const fixed: Record<string, string> = {
    "steady-error-rate": "Tỷ lệ lỗi ngoài thời gian sự cố và phục hồi",
    "steady-p95": "Độ trễ p95 ngoài thời gian sự cố và phục hồi",
    "fault-start-skew": "Sự cố được áp dụng đúng giờ (độ lệch lớn nhất)",
    "error-budget": "Phần ngân sách lỗi đã dùng",
    "dossiers-lost": "Hồ sơ đã xác nhận nhưng tra cứu không thấy",
    "dossiers-duplicated": "Khóa chống trùng sinh ra nhiều hơn một hồ sơ",
    "dossiers-illegal-transitions": "Hồ sơ có bước chuyển trạng thái không hợp lệ",
    "dossiers-stuck": "Hồ sơ không tiến triển quá thời hạn",
    "dossiers-lookup-errors": "Đối soát đầy đủ (lượt tra cứu lỗi)",
    "queue-drain": "Hàng đợi của cổng được giải phóng sau đỉnh",
    failover:
      "Chuyển đổi dự phòng: từ khi mất máy chủ chính đến lần ghi thành công đầu tiên trên máy dự phòng",
    "sync-drain": "Hàng chờ đồng bộ quốc gia được giải phóng sau đỉnh",
    "retry-after-sent": "Yêu cầu bị từ chối (429/503) có kèm Retry-After",
    "k6-safety-abort": "Lần chạy không bị dừng bởi giới hạn an toàn",
  };
  const f = fixed[id];
  if (f) return f;
  if (id.startsWith("recover-")) return `Phục hồi sau sự cố ${id.slice("recover-".length)}`;
  const slo = /^slo-(.+)-(error-rate|p95|p99)$/.exec(id);
  if (slo) {
    const what = slo[2] === "error-rate" ? "tỷ lệ lỗi" : `độ trễ ${slo[2]}`;
    return `SLO: ${what} của bước ${slo[1]} (trạng thái ổn định)`;
  }
  if (id === "slo-acknowledgement-p95") return "SLO: p95 thời gian từ lần nộp đầu tiên đến khi được xác nhận";
  return englishTitle;
};

/** Values with units, the same in both languages apart from the decimal separator. */
export const formatValue = (v: number | null, unit: string, lang: Lang): string => {
  if (v === null) return "—";
  const num = (n: number, digits: number) =>
    n.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: digits });
  if (unit === "ratio") return `${num(v * 100, 2)} %`;
  if (unit === "ms") return `${num(v, 1)} ms`;
  const viUnits: Record<string, string> = { dossiers: "hồ sơ", lookups: "lượt tra cứu", aborts: "lần dừng" };
  return `${num(v, 2)} ${lang === "vi" ? (viUnits[unit] ?? unit) : unit}`;
};
