import type { EventData } from '../../kernel/event-store.js';

/** The four dimensions of data quality a finding is about. */
export type QualityDimension = 'correct' | 'complete' | 'clean' | 'live';

/**
 * The figure a finding judges (each formula is in this module's README):
 * `valid-share` (correct), `required-share` and `optional-share` of a field (complete),
 * `duplicate-share` and `conflict-share` of an attribute (clean), `sync-age-hours` and
 * `source-lag-hours` (live).
 */
export type QualityMetric =
  | 'valid-share'
  | 'required-share'
  | 'optional-share'
  | 'duplicate-share'
  | 'conflict-share'
  | 'sync-age-hours'
  | 'source-lag-hours';

/** `min`: the figure must not fall below the threshold; `max`: it must not rise above it. */
export type ThresholdBound = 'min' | 'max';

/**
 * Something an inspector can open to see what a finding is about; never a value: the id of a dead
 * letter (`ConnectorRowRejected`), a record's key as its stream names it (a keyed pseudonym when the
 * key is personal), with the record it disagrees with, an identity conflict's id, a connector run.
 */
export interface FindingExample {
  kind: 'dead-letter' | 'record' | 'value-conflict' | 'identity-conflict' | 'run';
  id: string;
  /** The record's dataset (records and value conflicts). */
  dataset?: string;
  /** A value conflict: the record of the same person it disagrees with. */
  with?: { dataset: string; recordKey: string };
  /** A few words without personal data (a missing field, an error code). */
  note?: string;
}

export interface DataQualityFindingRaisedData {
  findingId: string;
  dataset: string;
  /** The connector the figure is of (`unknown` for records written without provenance). */
  source: string;
  dimension: QualityDimension;
  metric: QualityMetric;
  /** The field (`required-share`, `optional-share`) or attribute (`conflict-share`) judged, else null. */
  field: string | null;
  /** The figure when the finding was raised, beyond `threshold`. */
  figure: number;
  threshold: number;
  bound: ThresholdBound;
  /** What the figure counts: `count` of `of` (rows, records), when it is a share. */
  count?: number;
  of?: number;
  /** Since when the figure is beyond the threshold, as far as the log tells. */
  since: string;
  examples: FindingExample[];
}

export interface DataQualityFindingClosedData {
  findingId: string;
  dataset: string;
  source: string;
  metric: QualityMetric;
  field: string | null;
  /** The figure when it was closed (null when there was nothing left to judge). */
  figure: number | null;
  threshold: number | null;
  /**
   * `recovered`: the figure is back within its threshold; `no-data`: the figure cannot be computed
   * any more (no rows, no run); `not-judged`: the threshold was turned off or the source is gone.
   */
  reason: 'recovered' | 'no-data' | 'not-judged';
}

export type DataQualityFindingRaised = EventData<'DataQualityFindingRaised', DataQualityFindingRaisedData>;
export type DataQualityFindingClosed = EventData<'DataQualityFindingClosed', DataQualityFindingClosedData>;
export type DataQualityEvent = DataQualityFindingRaised | DataQualityFindingClosed;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['DataQualityFindingRaised', 'DataQualityFindingClosed'] as const;

export const DATA_QUALITY_STREAM_CATEGORY = 'dataquality';
/** The findings of one dataset. */
export const dataQualityStream = (dataset: string) => `${DATA_QUALITY_STREAM_CATEGORY}-${dataset}`;

/** Namespace of finding ids and their events: UUIDv5('https://lienthong.gov.vn/data-quality', URL). */
export const DATA_QUALITY_NAMESPACE = '3bfcb3e5-a968-52c1-ba75-a6962b30fc9f';
