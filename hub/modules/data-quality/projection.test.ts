import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventData, RecordedEvent } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { tempDir } from '../../testing/temp.js';
import { buildDelete, buildUpsert, loadDatasets, ROW_ISSUES, sealingFor } from '../records/index.js';
import { datasetQuality, type QualityFigures } from './figures.js';
import { dataQualityProjection } from './projection.js';

const datasets = loadDatasets();
const tmp = tempDir();
const sealing = sealingFor(
  { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) },
  path.join(tmp.dir, 'keys.db'),
);
afterAll(() => {
  sealing.keys.close();
  tmp.remove();
});

const AT = '2026-12-01T08:00:00.000Z';
const NOW = new Date('2026-12-01T10:00:00.000Z');

const metadata = (connector: string, table: string, key: number | null) =>
  buildMetadata({
    occurredAt: AT,
    actor: { kind: 'connector', id: connector },
    correlationId: 'run',
    ...(key === null
      ? {}
      : {
          source: {
            connector,
            runId: 'run',
            system: 'test',
            table,
            primaryKey: { id: String(key) },
            fetchedAt: AT,
          },
        }),
  });

const person = (n: number, overrides: Record<string, unknown> = {}) => ({
  personalId: `0010000000${String(n).padStart(2, '0')}`,
  fullName: `Nguyễn Văn ${n}`,
  dateOfBirth: '1980-01-01',
  gender: 'male',
  ...overrides,
});

/** A record event of `dataset` written from row `key` of `connector`'s table `t`. */
const upsert = (dataset: string, record: Record<string, unknown>, connector = 'c', key: number | null = 1) =>
  buildUpsert(datasets.get(dataset)!, record, {
    sealing,
    previousVersion: null,
    metadata: metadata(connector, 't', key),
  }).event;

const rejected = (
  connector: string,
  key: number,
  issues: { path: string; message: string }[],
): EventData => ({
  id: randomUUID(),
  type: 'ConnectorRowRejected',
  data: {
    connector,
    runId: randomUUID(),
    stream: 't',
    dataset: 'population',
    sourceKey: { id: String(key) },
    issues,
  },
  metadata: metadata(connector, 't', null),
});

let db: Database.Database;
let handler: ReturnType<ReturnType<typeof dataQualityProjection>['open']>;
let position = 0;

/** Applies events as one batch of the runner (one transaction, then `endBatch`). */
const apply = (...events: EventData[]) =>
  db.transaction(() => {
    for (const e of events)
      handler.apply({
        ...e,
        stream: 's',
        revision: 0,
        position: ++position,
        recordedAt: AT,
      } as RecordedEvent);
    handler.endBatch!();
  })();

const figures = (dataset: string, source: string): QualityFigures =>
  datasetQuality(db, datasets.get(dataset)!, NOW).sources.find((s) => s.source === source)!;

beforeEach(() => {
  db = new Database(':memory:');
  handler = dataQualityProjection(datasets).open(db);
});

describe('read model data-quality', () => {
  it('counts a record key two rows of one source write as a duplicate, until one of them is gone', () => {
    apply(
      upsert('population', person(1), 'c', 1),
      upsert('population', person(1, { ethnicity: 'Kinh' }), 'c', 2),
    );
    expect(figures('population', 'c').clean).toMatchObject({ records: 1, duplicateKeys: 1, duplicates: 1 });
    expect(figures('population', 'c').correct).toMatchObject({ rows: 2, valid: 2 });
    const last = upsert('population', person(1, { ethnicity: 'Kinh' }), 'c', 2).data;
    const deleted = buildDelete(
      {
        dataset: 'population',
        recordKey: last.recordKey,
        subject: last.subject,
        previousVersion: last.version,
        reason: 'soft-deleted-at-source',
      },
      metadata('c', 't', 2),
    ).event;
    apply(deleted);
    expect(figures('population', 'c').clean).toMatchObject({ records: 0, duplicateKeys: 0, duplicates: 0 });
    expect(figures('population', 'c').correct).toMatchObject({ rows: 1, valid: 1 });
  });

  it('counts open identity conflicts until they are resolved', () => {
    apply(upsert('population', person(1), 'c', 1));
    const conflict = {
      connector: 'c',
      conflictId: randomUUID(),
      dataset: 'population',
      recordKey: 'k',
    };
    apply({
      id: randomUUID(),
      type: 'ConnectorIdentityConflict',
      data: conflict,
      metadata: metadata('c', 't', null),
    });
    expect(figures('population', 'c').clean).toMatchObject({
      identityConflicts: 1,
      duplicates: 1,
      duplicateShare: 1,
    });
    apply({
      id: randomUUID(),
      type: 'ConnectorConflictResolved',
      data: conflict,
      metadata: metadata('c', 't', null),
    });
    apply({
      id: randomUUID(),
      type: 'ConnectorConflictResolved',
      data: conflict,
      metadata: metadata('c', 't', null),
    });
    expect(figures('population', 'c').clean).toMatchObject({ identityConflicts: 0, duplicates: 0 });
  });

  it('counts optional personal fields over the records whose events name them, never over older events', () => {
    const old = upsert('population', person(1, { ethnicity: 'Kinh' }), 'c', 1);
    delete (old.data as { present?: string[] }).present;
    apply(
      old,
      upsert('population', person(2), 'c', 2),
      upsert('population', person(3, { ethnicity: 'Tày' }), 'c', 3),
    );
    const ethnicity = figures('population', 'c').complete.fields.find((f) => f.field === 'ethnicity');
    expect(ethnicity).toMatchObject({ present: 1, of: 2, share: 0.5 });
    expect(figures('population', 'c').complete).toMatchObject({ records: 3, listed: 2 });
  });

  it('holds the value most of a person’s records hold, and flags the others; a tie flags all', () => {
    const born = (dateOfBirth: string) => person(1, { dateOfBirth });
    apply(
      upsert('population', born('1980-01-01'), 'a'),
      upsert(
        'judicial-records',
        {
          ...born('1980-02-02'),
          hasCriminalRecord: false,
          convictions: [],
          bannedFromPositions: false,
          updatedOn: '2026-01-01',
        },
        'j',
      ),
    );
    expect(figures('population', 'a').clean.attributes[1]).toMatchObject({
      attribute: 'dateOfBirth',
      compared: 1,
      conflicting: 1,
    });
    apply(upsert('civil-status', { ...born('1980-01-01'), maritalStatus: 'single', deceased: false }, 'b'));
    const dob = (dataset: string, source: string) =>
      figures(dataset, source).clean.attributes.find((a) => a.attribute === 'dateOfBirth');
    expect(dob('population', 'a')).toMatchObject({ compared: 1, conflicting: 0 });
    expect(dob('civil-status', 'b')).toMatchObject({ compared: 1, conflicting: 0 });
    expect(dob('judicial-records', 'j')).toMatchObject({ compared: 1, conflicting: 1 });
    // names differ only in case and spacing: one value
    apply(
      upsert(
        'civil-status',
        { ...born('1980-01-01'), fullName: '  NGUYỄN   văn 1 ', maritalStatus: 'single', deceased: false },
        'b',
      ),
    );
    expect(figures('civil-status', 'b').clean.attributes[0]).toMatchObject({
      attribute: 'fullName',
      conflicting: 0,
    });
  });

  it('drops an erased person’s records and rows, and does not count their dead letters as failures', () => {
    const event = upsert('population', person(1), 'c', 1);
    apply(event, upsert('population', person(2), 'c', 2));
    apply({
      id: randomUUID(),
      type: 'SubjectErased',
      data: {
        subject: event.data.subject,
        erasedAt: AT,
        keyDeleted: true,
        dropped: { records: 1, consents: 0 },
      },
      metadata: metadata('c', 't', null),
    });
    expect(figures('population', 'c').correct).toMatchObject({ rows: 1, valid: 1, failing: 0 });
    expect(figures('population', 'c').clean.records).toBe(1);
    apply(
      rejected('c', 1, [{ path: '/personalId', message: ROW_ISSUES.erased }]),
      rejected('c', 9, [{ path: '/personalId', message: ROW_ISSUES.erased }]),
      rejected('c', 3, [{ path: '/gender', message: ROW_ISSUES.missing }]),
    );
    expect(figures('population', 'c').correct).toMatchObject({
      rows: 2,
      valid: 1,
      failing: 1,
      deadLetters: 3,
    });
    expect(figures('population', 'c').complete.fields.find((f) => f.field === 'gender')).toMatchObject({
      present: 1,
      of: 2,
    });
  });

  it('measures sync age from the last success and source lag from the cursor it ended at', () => {
    const run = (type: string, data: Record<string, unknown>, occurredAt: string): EventData => ({
      id: randomUUID(),
      type,
      data: { connector: 'c', runId: 'r1', ...data },
      metadata: buildMetadata({ occurredAt, actor: { kind: 'connector', id: 'c' }, correlationId: 'r1' }),
    });
    apply(
      run(
        'ConnectorRunStarted',
        {
          system: 's',
          lineage: [{ stream: 't', dataset: 'population', tables: ['t'], fields: [], uses: [] }],
        },
        '2026-12-01T00:00:00.000Z',
      ),
      run(
        'ConnectorRunCompleted',
        { counts: { read: 0 }, states: [{ stream: 't', cursor: '2026-11-30 07:00:00' }] },
        '2026-12-01T01:00:00.000Z',
      ),
      run('ConnectorRunStarted', { runId: 'r2' }, '2026-12-01T02:00:00.000Z'),
      run(
        'ConnectorRunFailed',
        { runId: 'r2', error: { code: 'CONNECTOR_SOURCE_TIMEOUT' } },
        '2026-12-01T02:30:00.000Z',
      ),
    );
    expect(figures('population', 'c').live).toEqual({
      runs: 2,
      failedRuns: 1,
      lastRun: { runId: 'r2', startedAt: '2026-12-01T02:00:00.000Z', outcome: 'failed' },
      lastSuccess: { runId: 'r1', at: '2026-12-01T01:00:00.000Z' },
      lastFailure: { runId: 'r2', at: '2026-12-01T02:30:00.000Z', code: 'CONNECTOR_SOURCE_TIMEOUT' },
      syncAgeHours: 9,
      ageFrom: '2026-12-01T01:00:00.000Z',
      // 07:00 in Vietnam is midnight UTC: 25 hours before the success
      sourceChangedAt: '2026-11-30T00:00:00.000Z',
      sourceLagHours: 25,
    });
  });

  it('ends at the same counts whether the log comes in one batch or event by event', () => {
    const events = [
      upsert('population', person(1), 'c', 1),
      upsert('population', person(2, { ethnicity: 'Kinh' }), 'c', 2),
      upsert('population', person(2, { ethnicity: 'Tày' }), 'c', 3),
      upsert(
        'social-insurance',
        { ...person(1, { dateOfBirth: '1980-03-03' }), socialInsuranceNumber: '0100000001' },
        's',
      ),
      rejected('c', 4, [{ path: '/gender', message: ROW_ISSUES.missing }]),
      upsert('population', person(4), 'c', 4),
    ];
    apply(...events);
    const all = db.prepare('SELECT * FROM dq_counts ORDER BY 1, 2, 3').all();
    db = new Database(':memory:');
    handler = dataQualityProjection(datasets).open(db);
    for (const e of events) apply(e);
    expect(db.prepare('SELECT * FROM dq_counts WHERE value <> 0 ORDER BY 1, 2, 3').all()).toEqual(
      (all as { value: number }[]).filter((r) => r.value !== 0),
    );
    db.transaction(() => handler.reset())();
    expect(db.prepare('SELECT count(*) AS n FROM dq_counts').get()).toEqual({ n: 0 });
  });
});
