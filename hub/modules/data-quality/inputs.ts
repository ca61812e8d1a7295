import { type DatasetDefinition, type DatasetRecordUpsertedData, trackedOptional } from '../records/index.js';

/**
 * What the model reads of the events connectors write (their schemas are in schemas/events/; the
 * connector kit writes them, and the hub reads them without importing it).
 */
export interface RunData {
  connector: string;
  runId: string;
  system?: string;
  /** Per stream, the dataset it feeds (or an event target instead). */
  lineage?: { stream: string; dataset: string; target?: string }[];
  counts?: Record<string, number>;
  states?: { stream: string; cursor: string | number | null }[];
  error?: { code: string };
}
export interface RejectedData {
  connector: string;
  stream: string;
  dataset: string;
  sourceKey: Record<string, string | number>;
  issues: { path: string; message: string }[];
}
export interface ConflictData {
  connector: string;
  conflictId: string;
  dataset: string;
  recordKey: string;
}

export const CONNECTOR_EVENTS = [
  'ConnectorRunStarted',
  'ConnectorRunCheckpointed',
  'ConnectorRunCompleted',
  'ConnectorRunFailed',
  'ConnectorRowRejected',
  'ConnectorIdentityConflict',
  'ConnectorConflictResolved',
];

/** A source row's key as dead letters and provenance give it: `column=value` pairs, sorted. */
export const sourceKeyText = (key: Record<string, unknown>): string =>
  Object.keys(key)
    .sort()
    .map((k) => `${k}=${String(key[k])}`)
    .join(';');

/** The optional fields an upsert holds: those in clear, and the personal ones its event names. */
export function presence(
  def: DatasetDefinition,
  d: DatasetRecordUpsertedData,
): { present: string[]; listed: boolean } {
  const named = new Set(d.present ?? []);
  const present = def.fields.filter(
    (f) => !def.requiredFields.has(f) && (f in d.fields ? d.fields[f] != null : named.has(f)),
  );
  return { present, listed: d.present !== undefined || trackedOptional(def).length === 0 };
}
