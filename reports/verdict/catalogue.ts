/**
 * Every criterion a verdict can hold, in one place: its id (or, for families whose ids are generated per step
 * or per fault, the id's pattern), English and Vietnamese titles, unit, family, and the defect it catches.
 * The criteria modules take titles and units from here; the writers, JUnit and selftest read it.
 */

export type CriterionFamily =
  | "steady-state"
  | "resilience"
  | "slo"
  | "error-budget"
  | "dossiers"
  | "failover"
  | "queue"
  | "shedding"
  | "identity"
  | "sync"
  | "payments"
  | "load"
  | "safety";

export interface CatalogueEntry {
  /** The id, or for a generated family the id's printable pattern (`slo-<step>-<stat>`). */
  id: string;
  /** Generated families only: what their ids look like. */
  pattern?: RegExp;
  /** English title (for a generated family, the shape of its titles). */
  title: string;
  /** Vietnamese title; for a generated family, made from the pattern's groups. */
  titleVi: string | ((m: RegExpExecArray) => string);
  unit: string;
  family: CriterionFamily;
  /** The defect of the portal (or of the run) that fails this criterion. */
  catches: string;
}

const fixed = (
  id: string,
  family: CriterionFamily,
  unit: string,
  title: string,
  titleVi: string,
  catches: string,
): CatalogueEntry => ({ id, family, unit, title, titleVi, catches });

/** In the order the verdict lists them. */
export const criteriaCatalogue: readonly CatalogueEntry[] = [
  fixed(
    "steady-error-rate",
    "steady-state",
    "ratio",
    "Error rate outside fault and recovery windows",
    "Tỷ lệ lỗi ngoài thời gian sự cố và phục hồi",
    "a portal that fails requests under ordinary load",
  ),
  fixed(
    "steady-p95",
    "steady-state",
    "ms",
    "p95 latency outside fault and recovery windows",
    "Độ trễ p95 ngoài thời gian sự cố và phục hồi",
    "a portal too slow under ordinary load",
  ),
  {
    id: "recover-<fault>",
    pattern: /^recover-(.+)$/,
    family: "resilience",
    unit: "ms",
    title: "Recovered after <kind> on <link>",
    titleVi: (m) => `Phục hồi sau sự cố ${m[1]}`,
    catches: "a portal that stays degraded after a fault has ended",
  },
  fixed(
    "fault-start-skew",
    "resilience",
    "ms",
    "Faults applied on time (worst start skew, applied − planned)",
    "Sự cố được áp dụng đúng giờ (độ lệch lớn nhất)",
    "a chaos timeline that did not apply the plan when it said (the run, not the portal)",
  ),
  {
    id: "slo-<step>-<stat>",
    pattern: /^slo-(?!acknowledgement-p95$)(.+)-(error-rate|p95|p99)$/,
    family: "slo",
    unit: "ratio | ms",
    title: "SLO <name>: <step> error rate | p95 latency | p99 latency (steady state)",
    titleVi: (m) =>
      `SLO: ${m[2] === "error-rate" ? "tỷ lệ lỗi" : `độ trễ ${m[2]}`} của bước ${m[1]} (trạng thái ổn định)`,
    catches: "a step that misses its service-level objective",
  },
  fixed(
    "slo-acknowledgement-p95",
    "slo",
    "ms",
    "SLO <name>: p95 time from first submission attempt to acknowledgement",
    "SLO: p95 thời gian từ lần nộp đầu tiên đến khi được xác nhận",
    "citizens waiting too long, retries included, for a dossier code",
  ),
  fixed(
    "error-budget",
    "error-budget",
    "ratio",
    "Share of the run's error budget burned (errors ÷ (SLO error rate × requests))",
    "Phần ngân sách lỗi đã dùng",
    "a portal whose faults cost more errors than the SLO allows",
  ),
  fixed(
    "dossiers-lost",
    "dossiers",
    "dossiers",
    "Acknowledged dossiers the portal cannot find",
    "Hồ sơ đã xác nhận nhưng tra cứu không thấy",
    "acknowledged writes lost (asynchronous replication lost at failover, a dropped write)",
  ),
  fixed(
    "dossiers-duplicated",
    "dossiers",
    "dossiers",
    "Idempotency keys that produced more than one dossier",
    "Khóa chống trùng sinh ra nhiều hơn một hồ sơ",
    "retries that create a second dossier (idempotency keys ignored)",
  ),
  fixed(
    "dossiers-code-shared",
    "dossiers",
    "codes",
    "Dossier codes acknowledged to more than one submission",
    "Mã hồ sơ được cấp cho nhiều hơn một lần nộp",
    "one dossier code handed to two submissions",
  ),
  fixed(
    "dossiers-illegal-transitions",
    "dossiers",
    "dossiers",
    "Dossiers whose status history makes an illegal move",
    "Hồ sơ có bước chuyển trạng thái không hợp lệ",
    "status histories that break the published status graph",
  ),
  fixed(
    "dossiers-stuck",
    "dossiers",
    "dossiers",
    "Dossiers with no progress past the deadline",
    "Hồ sơ không tiến triển quá thời hạn",
    "dossiers taken up and then left stalled",
  ),
  fixed(
    "dossiers-lookup-errors",
    "dossiers",
    "lookups",
    "Reconciliation complete (lookups that failed after retries)",
    "Đối soát đầy đủ (lượt tra cứu lỗi)",
    "a lookup API that cannot answer for the dossiers it acknowledged",
  ),
  fixed(
    "failover",
    "failover",
    "ms",
    "Failover: primary loss to first successful write on the standby",
    "Chuyển đổi dự phòng: từ khi mất máy chủ chính đến lần ghi thành công đầu tiên trên máy dự phòng",
    "no failover, or a failover slower than its limit",
  ),
  fixed(
    "failover-refused-writes",
    "failover",
    "writes",
    "Writes refused between the primary's loss and the first write on the new primary",
    "Số lần ghi bị từ chối trong lúc chuyển đổi dự phòng",
    "a failover that refuses writes for longer than it should",
  ),
  fixed(
    "queue-drain",
    "queue",
    "ms",
    "Gateway queue drained after its peak",
    "Hàng đợi của cổng được giải phóng sau đỉnh",
    "a queue that does not drain after a burst",
  ),
  fixed(
    "sync-drain",
    "sync",
    "ms",
    "National-sync backlog drained after its peak",
    "Hàng chờ đồng bộ quốc gia được giải phóng sau đỉnh",
    "a national-sync backlog that does not drain",
  ),
  fixed(
    "retry-after-sent",
    "queue",
    "ratio",
    "Refusals (429/503) that the client retried carried Retry-After",
    "Yêu cầu bị từ chối (429/503) có kèm Retry-After",
    "refusals that do not tell clients when to come back",
  ),
  fixed(
    "shedding-refusal-fast",
    "shedding",
    "ms",
    "Refusals under overload are fast (p95 of 503 answers)",
    "Từ chối khi quá tải được trả lời nhanh (p95 của phản hồi 503)",
    "a portal that queues without bound instead of refusing quickly",
  ),
  fixed(
    "shedding-retry-after",
    "shedding",
    "ratio",
    "Refusals under overload are 503 with Retry-After",
    "Từ chối khi quá tải là 503 kèm Retry-After",
    "overload answered with 500s or without Retry-After",
  ),
  fixed(
    "shedding-admitted-latency",
    "shedding",
    "ms",
    "Admitted requests keep their objective under overload (p95)",
    "Yêu cầu được nhận vẫn giữ mục tiêu độ trễ khi quá tải (p95)",
    "an unbounded queue that makes every admitted request slow",
  ),
  fixed(
    "identity-isolation",
    "identity",
    "ms",
    "Slowness of identity does not spread to steps that do not need it",
    "Sự chậm trễ của định danh không lan sang các bước không cần nó",
    "a slow identity provider that cascades into unrelated steps",
  ),
  fixed(
    "identity-isolation-errors",
    "identity",
    "ratio",
    "Trouble with identity does not make steps that do not need it fail",
    "Sự cố định danh không làm các bước không cần nó bị lỗi",
    "identity calls holding shared admission slots, so unrelated steps are refused",
  ),
  fixed(
    "national-sync-missing",
    "sync",
    "dossiers",
    "Acknowledged dossiers that never reached the national portal",
    "Hồ sơ đã xác nhận nhưng không được đồng bộ lên Cổng quốc gia",
    "a national sync that stalls silently",
  ),
  fixed(
    "national-sync-stale",
    "sync",
    "dossiers",
    "Dossiers whose national copy lags their latest status",
    "Hồ sơ trên Cổng quốc gia chưa có trạng thái mới nhất",
    "a national sync that falls behind the dossiers' status",
  ),
  fixed(
    "payments-unsettled",
    "payments",
    "payments",
    "Confirmed payments not final within the limit",
    "Thanh toán đã xác nhận nhưng chưa có kết quả cuối trong thời hạn",
    "a payment callback that is lost",
  ),
  fixed(
    "payments-dossier-unpaid",
    "payments",
    "dossiers",
    "Paid dossiers that never showed the paid status",
    "Hồ sơ đã thanh toán nhưng không chuyển sang trạng thái đã nộp phí",
    "a payment that never reaches its dossier",
  ),
  fixed(
    "load-held",
    "load",
    "iterations",
    "The target kept up with the offered load (iterations dropped while every VU waited on it)",
    "Hệ thống theo kịp tải đưa vào (lượt bị bỏ lỡ khi mọi VU đều chờ hệ thống)",
    "a portal so slow under load that every virtual user is held waiting and arrivals are dropped",
  ),
  fixed(
    "safety-abort",
    "safety",
    "breaches",
    "Run kept within the safety limits (fatal error rate and p99)",
    "Lần chạy nằm trong giới hạn an toàn (tỷ lệ lỗi và p99 tới hạn)",
    "a portal that breaks the run's safety limits",
  ),
];

const byId = new Map(criteriaCatalogue.filter((e) => !e.pattern).map((e) => [e.id, e]));

/** The catalogue's entry for a criterion id (a fixed id, or one a generated family's pattern matches). */
export const catalogueEntry = (id: string): CatalogueEntry | undefined =>
  byId.get(id) ?? criteriaCatalogue.find((e) => e.pattern?.test(id));

/** A fixed criterion's entry; throws on an id the catalogue does not hold (a programming error). */
export const criterionInfo = (id: string): CatalogueEntry => {
  const e = byId.get(id);
  if (!e) throw new Error(`criterion ${id} is not in the catalogue (reports/verdict/catalogue.ts)`);
  return e;
};

/** A criterion's title in Vietnamese, by id; the English title when the catalogue has none for it. */
export const criterionTitleVi = (id: string, englishTitle: string): string => {
  const e = catalogueEntry(id);
  if (!e) return englishTitle;
  if (typeof e.titleVi === "string") return e.titleVi;
  const m = e.pattern?.exec(id);
  return m ? e.titleVi(m) : englishTitle;
};
