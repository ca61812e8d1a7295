import type { EventData } from '../../kernel/event-store.js';
import type { Sealed } from '../../kernel/vocabulary.js';

export interface DatasetRecordUpsertedData {
  dataset: string;
  recordKey: string;
  subject: string | null;
  version: string;
  previousVersion: string | null;
  fields: Record<string, unknown>;
  sealed: Sealed | null;
  /**
   * The optional personal fields `sealed` holds, by name (never values); fields the dataset marks
   * untracked (`x-dataset.quality.complete.untracked`) are never named. Absent from events written
   * before it was recorded, and for datasets with no such field.
   */
  present?: string[];
  /**
   * Keyed digests of the fields compared across a person's records (`x-dataset.quality.compare`),
   * by attribute, under a key derived from the person's own key (`qualityDigests`). Absent when
   * there is none, and from events written before they were recorded.
   */
  digests?: Record<string, string>;
}

export interface DatasetRecordDeletedData {
  dataset: string;
  recordKey: string;
  subject: string | null;
  previousVersion: string | null;
  reason: 'soft-deleted-at-source' | 'missing-from-full-refresh' | 'deleted-at-source';
}

export type DatasetRecordUpserted = EventData<'DatasetRecordUpserted', DatasetRecordUpsertedData>;
export type DatasetRecordDeleted = EventData<'DatasetRecordDeleted', DatasetRecordDeletedData>;
export type RecordEvent = DatasetRecordUpserted | DatasetRecordDeleted;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['DatasetRecordUpserted', 'DatasetRecordDeleted'] as const;

export const STREAM_CATEGORY = 'record';
export const recordStream = (dataset: string, recordKey: string) =>
  `${STREAM_CATEGORY}-${dataset}-${recordKey}`;

/** Namespace of deterministic record event ids: UUIDv5('https://lienthong.gov.vn/records', URL). */
export const RECORDS_NAMESPACE = '3f0b6f8e-8a57-5c1e-9b0c-6a3f7f1d2e40';

/**
 * Messages of the issues a connector's dead letter (`ConnectorRowRejected`) carries that others
 * read: a required field the row does not give (at `/<field>`), and a row of a person erased since
 * (at `/<subject field>`), which is not a fault of the source.
 */
export const ROW_ISSUES = {
  missing: 'is required',
  erased: 'the data subject was erased: the record is not imported again',
} as const;
