import type { RecordedEvent, SourceProvenance } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';
import {
  type DatasetDefinition,
  type DatasetRecordDeletedData,
  type DatasetRecordUpsertedData,
  loadDatasets,
  STREAM_CATEGORY as RECORD_STREAM_CATEGORY,
  ROW_ISSUES,
  eventTypes as recordEventTypes,
} from '../records/index.js';
import {
  DATA_QUALITY_STREAM_CATEGORY,
  type DataQualityFindingClosedData,
  type DataQualityFindingRaisedData,
  eventTypes as findingEventTypes,
} from './events.js';
import { RecordFold } from './fold.js';
import {
  CONNECTOR_EVENTS,
  type ConflictData,
  presence,
  type RejectedData,
  type RunData,
  sourceKeyText,
} from './inputs.js';
import {
  createDataQualityTables,
  DATA_QUALITY_MODEL,
  DATA_QUALITY_TABLES,
  UNKNOWN_SOURCE,
} from './tables.js';

function openModel(db: ReadModelDb, datasets: ReadonlyMap<string, DatasetDefinition>) {
  createDataQualityTables(db);
  const fold = new RecordFold(db, datasets);
  const p = (sql: string) => db.prepare(sql);
  const st = {
    stream: p('INSERT OR IGNORE INTO dq_streams (connector, stream, dataset) VALUES (?, ?, ?)'),
    datasetsOf: p('SELECT DISTINCT dataset FROM dq_streams WHERE connector = ?').pluck(),
    runStarted:
      p(`INSERT INTO dq_runs (connector, system, runs, failed_runs, first_run_at, last_run_id, last_started_at, last_outcome)
      VALUES (?, ?, 1, 0, ?, ?, ?, 'running') ON CONFLICT (connector) DO UPDATE SET system = excluded.system,
      runs = runs + 1, last_run_id = excluded.last_run_id, last_started_at = excluded.last_started_at,
      last_outcome = 'running', last_ended_at = NULL, last_counts = NULL`),
    checkpointed: p('UPDATE dq_runs SET last_counts = ? WHERE connector = ? AND last_run_id = ?'),
    completed: p(`UPDATE dq_runs SET last_outcome = 'completed', last_ended_at = ?, last_counts = ?,
      success_run_id = ?, success_at = ?, success_states = ? WHERE connector = ?`),
    failed:
      p(`UPDATE dq_runs SET last_outcome = CASE WHEN last_run_id = ? THEN 'failed' ELSE last_outcome END,
      last_ended_at = ?, last_counts = ?, failed_runs = failed_runs + 1, failure_run_id = ?, failure_at = ?,
      failure_code = ? WHERE connector = ?`),
    conflictFound: p(`INSERT OR IGNORE INTO dq_identity (connector, conflict_id, dataset, record_key, open)
      VALUES (?, ?, ?, ?, 1)`),
    conflictResolved: p(
      'UPDATE dq_identity SET open = 0 WHERE connector = ? AND conflict_id = ? AND open = 1',
    ),
    raised:
      p(`INSERT OR IGNORE INTO dq_findings (finding_id, dataset, source, dimension, metric, field, bound, figure,
      threshold, count, of, since, raised_at, position, examples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    closed: p(`UPDATE dq_findings SET closed_at = ?, closing_figure = ?, close_reason = ?
      WHERE finding_id = ? AND closed_at IS NULL`),
  };
  /**
   * Remembers which dataset a stream feeds (from runs, rows and records; the first one wins),
   * written once per batch: a batch names the same few streams over and over.
   */
  const feeds = new Map<string, [string, string, string]>();
  const streamFeeds = (connector: string, stream: string, dataset: string) => {
    const key = `${connector}\u0000${stream}`;
    if (!feeds.has(key)) feeds.set(key, [connector, stream, dataset]);
  };
  const writeFeeds = () => {
    for (const feed of feeds.values()) st.stream.run(...feed);
    feeds.clear();
  };
  /** Marks every dataset a connector feeds as changed (its runs are part of each one's figures). */
  const touchConnector = (connector: string, at: string) => {
    const datasetsFed = new Set(st.datasetsOf.all(connector) as string[]);
    for (const [c, , dataset] of feeds.values()) if (c === connector) datasetsFed.add(dataset);
    for (const dataset of datasetsFed) fold.touch(dataset, connector, at);
  };

  const onRecord = (event: RecordedEvent) => {
    const d = event.data as DatasetRecordUpsertedData | DatasetRecordDeletedData;
    const def = datasets.get(d.dataset);
    if (!def) return;
    const at = event.recordedAt;
    const source = event.metadata.source as SourceProvenance | undefined;
    const connector = source?.connector ?? UNKNOWN_SOURCE;
    fold.touch(d.dataset, connector, at);
    const upsert = event.type === 'DatasetRecordUpserted' ? (d as DatasetRecordUpsertedData) : undefined;
    if (source?.table && source.primaryKey) {
      streamFeeds(connector, source.table, d.dataset);
      fold.setRow(connector, source.table, sourceKeyText(source.primaryKey), {
        dataset: d.dataset,
        state: upsert ? 'imported' : 'deleted',
        recordKey: d.recordKey,
        deadLetter: null,
        missing: [],
      });
    }
    if (!upsert) return fold.deleteRecord(d.dataset, d.recordKey, at);
    fold.upsertRecord(
      {
        dataset: d.dataset,
        recordKey: d.recordKey,
        subject: d.subject,
        connector,
        writer:
          source?.table && source.primaryKey
            ? `${source.table}\u0000${sourceKeyText(source.primaryKey)}`
            : null,
        ...presence(def, upsert),
        digests: upsert.digests ?? null,
      },
      at,
    );
  };

  const onRejected = (event: RecordedEvent) => {
    const d = event.data as RejectedData;
    const def = datasets.get(d.dataset);
    if (!def) return;
    const at = event.recordedAt;
    fold.touch(d.dataset, d.connector, at);
    fold.deadLetter(d.dataset, d.connector);
    streamFeeds(d.connector, d.stream, d.dataset);
    const key = sourceKeyText(d.sourceKey);
    const old = fold.getRow(d.connector, d.stream, key);
    const erased = old?.state === 'erased' || d.issues.every((i) => i.message === ROW_ISSUES.erased);
    const missing = [
      ...new Set(
        d.issues
          .filter((i) => i.message === ROW_ISSUES.missing && def.requiredFields.has(i.path.slice(1)))
          .map((i) => i.path.slice(1)),
      ),
    ];
    fold.setRow(d.connector, d.stream, key, {
      dataset: d.dataset,
      state: erased ? 'erased' : 'failing',
      recordKey: old?.recordKey ?? null,
      deadLetter: erased ? null : event.id,
      missing: erased ? [] : missing,
    });
  };

  const onRun = (event: RecordedEvent) => {
    const d = event.data as RunData;
    const at = event.metadata.occurredAt;
    const counts = d.counts ? JSON.stringify(d.counts) : null;
    switch (event.type) {
      case 'ConnectorRunStarted':
        for (const { stream, dataset, target } of d.lineage ?? []) {
          if (!target && datasets.has(dataset)) streamFeeds(d.connector, stream, dataset);
        }
        st.runStarted.run(d.connector, d.system ?? null, at, d.runId, at);
        break;
      case 'ConnectorRunCheckpointed':
        st.checkpointed.run(counts, d.connector, d.runId);
        return;
      case 'ConnectorRunCompleted':
        st.completed.run(at, counts, d.runId, at, JSON.stringify(d.states ?? []), d.connector);
        break;
      case 'ConnectorRunFailed':
        st.failed.run(d.runId, at, counts, d.runId, at, d.error?.code ?? null, d.connector);
        break;
    }
    touchConnector(d.connector, event.recordedAt);
  };

  const onConflict = (event: RecordedEvent) => {
    const d = event.data as ConflictData;
    if (!datasets.has(d.dataset)) return;
    const changed =
      event.type === 'ConnectorIdentityConflict'
        ? st.conflictFound.run(d.connector, d.conflictId, d.dataset, d.recordKey).changes
        : -st.conflictResolved.run(d.connector, d.conflictId).changes;
    if (changed === 0) return;
    fold.identityConflict(d.dataset, d.connector, changed > 0 ? 1 : -1);
    fold.touch(d.dataset, d.connector, event.recordedAt);
  };

  const onFinding = (event: RecordedEvent) => {
    if (event.type === 'DataQualityFindingRaised') {
      const d = event.data as DataQualityFindingRaisedData;
      st.raised.run(
        d.findingId,
        d.dataset,
        d.source,
        d.dimension,
        d.metric,
        d.field,
        d.bound,
        d.figure,
        d.threshold,
        d.count ?? null,
        d.of ?? null,
        d.since,
        event.metadata.occurredAt,
        event.position,
        JSON.stringify(d.examples),
      );
    } else {
      const d = event.data as DataQualityFindingClosedData;
      st.closed.run(event.metadata.occurredAt, d.figure, d.reason, d.findingId);
    }
  };

  return {
    apply(event: RecordedEvent) {
      switch (event.type) {
        case 'DatasetRecordUpserted':
        case 'DatasetRecordDeleted':
          return onRecord(event);
        case 'ConnectorRowRejected':
          return onRejected(event);
        case 'ConnectorRunStarted':
        case 'ConnectorRunCheckpointed':
        case 'ConnectorRunCompleted':
        case 'ConnectorRunFailed':
          return onRun(event);
        case 'ConnectorIdentityConflict':
        case 'ConnectorConflictResolved':
          return onConflict(event);
        case 'SubjectErased':
          return fold.erase((event.data as { subject: string }).subject, event.recordedAt);
        case 'DataQualityFindingRaised':
        case 'DataQualityFindingClosed':
          return onFinding(event);
      }
    },
    endBatch() {
      writeFeeds();
      fold.flush();
    },
    reset() {
      feeds.clear();
      fold.clear();
      for (const table of DATA_QUALITY_TABLES) db.exec(`DELETE FROM ${table}`);
    },
  };
}

/**
 * Read model `data-quality`: the figures of every dataset and source (connector) — rows read and
 * their last outcome, current records and the fields they hold, duplicates and disagreements
 * between a person's records, runs and the cursors they ended at — kept as counters from record,
 * dead-letter, run, identity-conflict and erasure events, and the findings the evaluator raised and
 * closed. No plaintext: it reads field names, keyed digests and pseudonymous keys only.
 */
export function dataQualityProjection(
  datasets?: ReadonlyMap<string, DatasetDefinition>,
): ProjectionDefinition {
  return {
    name: DATA_QUALITY_MODEL,
    version: 1,
    description:
      'Data quality per dataset and source: rows, records, field coverage, duplicates, value conflicts, runs; the findings raised',
    filter: {
      streamPrefixes: [
        `${RECORD_STREAM_CATEGORY}-`,
        'connector-',
        'deadletter-',
        'conflict-',
        `${ERASURE_STREAM_CATEGORY}-`,
        `${DATA_QUALITY_STREAM_CATEGORY}-`,
      ],
      eventTypes: [...recordEventTypes, ...CONNECTOR_EVENTS, 'SubjectErased', ...findingEventTypes],
    },
    // the dataset definitions are read when the model opens, not when the module list is imported
    open: (db) => openModel(db, datasets ?? loadDatasets()),
  };
}
