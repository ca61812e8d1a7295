import type { Command } from '../../kernel/decider/index.js';
import type { FindingExample, QualityDimension, QualityMetric, ThresholdBound } from './events.js';

/** One figure of a source held against its threshold. */
export interface Judgement {
  source: string;
  dimension: QualityDimension;
  metric: QualityMetric;
  field: string | null;
  /** Null when it cannot be computed (no rows, no run). */
  figure: number | null;
  threshold: number;
  bound: ThresholdBound;
  count?: number;
  of?: number;
  /** Since when the figure is what it is (the last change of the source's figures, or a computed instant). */
  since: string;
  /** What an inspector can open, for a figure beyond its threshold (gathered only for a finding to raise). */
  examples?: () => FindingExample[];
}

/**
 * The evaluator holds every figure of a dataset's sources against the dataset's thresholds: a
 * figure beyond one without an open finding raises one; an open finding whose figure is back
 * within (or no longer judged) is closed.
 */
export type EvaluateDataQuality = Command<
  'EvaluateDataQuality',
  { dataset: string; judgements: Judgement[] }
>;

export type DataQualityCommand = EvaluateDataQuality;
