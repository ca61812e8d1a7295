import type { EventData } from '../../kernel/event-store.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';

export interface SubjectErasedData {
  /** Keyed pseudonym of the erased citizen (never the personal ID number). */
  subject: string;
  erasedAt: string;
  /** False when the subject had no key (a tombstone was written anyway). */
  keyDeleted: boolean;
  /** Read-model rows dropped. */
  dropped: { records: number; consents: number };
}

export type SubjectErased = EventData<'SubjectErased', SubjectErasedData>;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['SubjectErased'] as const;

export { ERASURE_STREAM_CATEGORY };
export const erasureStream = (subject: string) => `${ERASURE_STREAM_CATEGORY}-${subject}`;

/** Namespace of erasure event ids: UUIDv5('https://lienthong.gov.vn/erasure', URL). */
export const ERASURE_NAMESPACE = '0e4f3b1a-7d2c-5e9f-a4b8-3c6d1f0e2a97';
