import type { Criterion } from "../schema.js";

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
}: Judgement): Criterion => ({
  id,
  title,
  passed: observed !== null && (comparison === "<=" ? observed <= threshold : observed >= threshold),
  observed,
  threshold,
  unit,
  ...(comparison === "<=" ? {} : { comparison }),
  ...(note === undefined ? {} : { note }),
});
