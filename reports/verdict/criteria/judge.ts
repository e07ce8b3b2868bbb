import { criterionInfo } from "../catalogue.js";
import type { Criterion, NotJudgedBecause } from "../schema.js";

/** What one criterion compares: an observed figure against its threshold. */
export interface Judgement {
  id: string;
  title: string;
  observed: number | null;
  threshold: number;
  unit: string;
  /** Why nothing could be observed, when nothing was. */
  note?: string | undefined;
  /** `<=` unless said otherwise. */
  comparison?: "<=" | ">=";
}

/** A criterion passes when its figure was observed and is within its threshold; unobserved, it fails. */
export const judge = ({
  id,
  title,
  observed,
  threshold,
  unit,
  note,
  comparison = "<=",
}: Judgement): Criterion => {
  const passed = observed !== null && (comparison === "<=" ? observed <= threshold : observed >= threshold);
  return {
    id,
    title,
    status: passed ? "passed" : "failed",
    passed,
    observed,
    threshold,
    unit,
    ...(comparison === "<=" ? {} : { comparison }),
    ...(note === undefined ? {} : { note }),
  };
};

/** Why a criterion is not judged: the kind, and a sentence with the figures. */
export interface NotJudged {
  because: NotJudgedBecause;
  reason: string;
}

/** Words that open a not-judged reason in every report, by kind. */
export const notJudgedPrefix: Record<NotJudgedBecause, string> = {
  "not-exercised": "not exercised in this run",
  "not-exposed": "the target does not expose it",
  "no-data": "no data",
};

/**
 * A criterion the run could not have failed: neither passed nor failed. The observed figure, if any, is kept
 * for the reader; the reason says which kind of why and gives the figures.
 */
export const notJudged = (j: Omit<Judgement, "note">, { because, reason }: NotJudged): Criterion => ({
  id: j.id,
  title: j.title,
  status: "not-judged",
  passed: false,
  observed: j.observed,
  threshold: j.threshold,
  unit: j.unit,
  ...(j.comparison === undefined || j.comparison === "<=" ? {} : { comparison: j.comparison }),
  reason: `${notJudgedPrefix[because]}: ${reason}`,
  notJudgedBecause: because,
});

/** Judged, or not judged when `why` says so. */
export const judgeUnless = (j: Judgement, why: NotJudged | null): Criterion =>
  why === null ? judge(j) : notJudged(j, why);

/** A fixed criterion's title and unit, from the catalogue. */
export const fromCatalogue = (id: string): { id: string; title: string; unit: string } => {
  const e = criterionInfo(id);
  return { id, title: e.title, unit: e.unit };
};
