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
