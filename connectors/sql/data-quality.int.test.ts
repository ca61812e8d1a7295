import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../hub/kernel/event-store.js';
import { inspectionStream } from '../../hub/modules/access-log/index.js';
import {
  type DataQualityFindingRaisedData,
  dataQualityProjection,
  dataQualityStream,
} from '../../hub/modules/data-quality/index.js';
import { recordKeyFor } from '../../hub/modules/records/index.js';
import { runHubCli } from '../../hub/testing/cli.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../hub/testing/hub.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { CONNECTORS_DIR } from '../kit/manifest.js';
import { openConnector } from '../runtime.js';
import { openWriter, type SourceWriter } from './testing/households.js';
import {
  POPULATION_COLUMNS,
  type PopulationRow,
  populationDdl,
  populationRows,
} from './testing/population.js';
import { createTempDatabase, serverAvailable } from './testing/servers.js';

/**
 * Data quality from real connector runs: a population source and a social-insurance source on a
 * real server, synced into a real hub; the figures (exact), the findings the evaluator raises, what
 * they point at, and their closing once the sources are fixed and synced again.
 */
const servers = { postgres: await serverAvailable('postgres'), mariadb: await serverAvailable('mariadb') };

const HOUR = 3_600_000;
/** A source's timestamp: the agency's local time (UTC+7), `hoursAgo` before now. */
const localTime = (hoursAgo: number) =>
  new Date(Date.now() + 7 * HOUR - hoursAgo * HOUR).toISOString().slice(0, 19).replace('T', ' ');

/** The citizens of the population source: 50, four of them rows the dataset refuses. */
function citizens(): PopulationRow[] {
  return populationRows({ count: 50, updatedAt: localTime(1) }).map((r) => {
    if (r.id === 3 || r.id === 7) return { ...r, so_dinh_danh: '12345' }; // not 12 digits
    if (r.id === 11 || r.id === 13) return { ...r, gioi_tinh: null }; // a required field missing
    if (r.id >= 20 && r.id <= 29) return { ...r, dan_toc: null as unknown as string }; // optional, missing
    if (r.id >= 40 && r.id <= 44) return { ...r, so_ho: null, quan_he_chu_ho: null };
    return r;
  });
}

/** The personal id population-test rows get, whatever the source holds. */
const personalIdOf = (id: number) => populationRows({ count: 1, startId: id })[0]!.so_dinh_danh!;
const siNumber = (n: number) => String(1_000_000_000 + n);

const SI_DDL = (ts: string) => `CREATE TABLE nguoi_bhxh (
  id BIGINT PRIMARY KEY, so_bhxh CHAR(10) NOT NULL, so_dinh_danh CHAR(12) NOT NULL, ho_ten VARCHAR(200) NOT NULL,
  ngay_sinh DATE NOT NULL, ngay_cap_nhat ${ts} NOT NULL, da_xoa SMALLINT NOT NULL DEFAULT 0)`;

/** Social insurance of citizens 1–10 (row 100 + n), a second number for citizen 8 (row 111); all stamped 30 days ago. */
function insured(): unknown[][] {
  const rows = Array.from({ length: 10 }, (_, i) => {
    const p = populationRows({ count: 1, startId: i + 1 })[0]!;
    // citizen 5's date of birth differs from the population's
    const born = p.id === 5 ? '1961-01-01' : p.ngay_sinh;
    return [100 + p.id, siNumber(p.id), p.so_dinh_danh, p.ho_ten, born, localTime(720)];
  });
  const eight = populationRows({ count: 1, startId: 8 })[0]!;
  rows.push([111, siNumber(88), eight.so_dinh_danh, eight.ho_ten, eight.ngay_sinh, localTime(720)]);
  return rows;
}

/** Two connectors in `root`: dq-population (population-sql as it is) and dq-insurance (a table of insured people). */
function writeConnectors(root: string): void {
  const base = JSON.parse(
    fs.readFileSync(path.join(CONNECTORS_DIR, 'population-sql', 'connector.json'), 'utf8'),
  );
  delete base.$schema;
  const write = (name: string, manifest: object, mapping: object) => {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'connector.json'), JSON.stringify({ ...base, name, ...manifest }));
    fs.writeFileSync(path.join(root, name, 'mapping.json'), JSON.stringify(mapping));
  };
  write(
    'dq-population',
    {},
    JSON.parse(fs.readFileSync(path.join(CONNECTORS_DIR, 'population-sql', 'mapping.json'), 'utf8')),
  );
  const text = { nfc: true, collapseSpaces: true, trim: true };
  write(
    'dq-insurance',
    {
      description: 'Insured people, for the data-quality test.',
      datasets: ['social-insurance'],
      streams: [
        {
          table: 'nguoi_bhxh',
          dataset: 'social-insurance',
          mode: 'incremental',
          primaryKey: 'id',
          cursorField: 'ngay_cap_nhat',
          softDelete: { column: 'da_xoa', deletedValues: [1, true, '1'] },
          mapping: 'mapping.json',
        },
      ],
    },
    {
      dataset: 'social-insurance',
      fields: {
        socialInsuranceNumber: { from: 'so_bhxh', cast: 'string', trim: true },
        personalId: { from: 'so_dinh_danh', cast: 'string', trim: true },
        fullName: { from: 'ho_ten', ...text },
        dateOfBirth: { from: 'ngay_sinh', cast: 'date' },
      },
    },
  );
}

const FIGURES = `query ($dataset: String) { dataQuality(dataset: $dataset) { dataset openFindings
  sources { source
    correct { rows valid failing validShare deadLetters lastRun { read rejected } }
    complete { rows records listed requiredShare fields { field required tracked present of share threshold } }
    clean { records duplicates duplicateKeys duplicateSubjects identityConflicts duplicateShare
      attributes { attribute compared conflicting conflictShare } }
    live { runs failedRuns syncAgeHours sourceChangedAt sourceLagHours lastSuccess { runId at } } } } }`;

const FINDINGS = `query ($open: Boolean, $first: Int, $after: String) {
  dataQualityFindings(open: $open, first: $first, after: $after) { total nextCursor
    findings { id dataset source dimension metric field figure currentFigure threshold bound count of since raisedAt
      open closedAt closingFigure closeReason examples { kind id dataset note with { dataset recordKey } } } } }`;

interface Finding {
  id: string;
  dataset: string;
  source: string;
  metric: string;
  field: string | null;
  figure: number;
  currentFigure: number | null;
  open: boolean;
  closeReason: string | null;
  since: string;
  examples: { kind: string; id: string; dataset: string | null; note: string | null; with: unknown }[];
}

/** A source's figures as the test reads them. */
interface SourceFigures {
  correct: Record<string, unknown>;
  complete: Record<string, unknown> & { fields: { field: string }[] };
  clean: Record<string, unknown>;
  live: { runs: number; sourceLagHours: number; syncAgeHours: number; lastSuccess: { at: string } };
}

/** The figures beyond their thresholds once both sources are synced (dataset, source, metric, field), sorted. */
const BEYOND = [
  'population dq-population valid-share',
  'population dq-population required-share gender',
  'population dq-population optional-share ethnicity',
  'population dq-population conflict-share dateOfBirth',
  'social-insurance dq-insurance duplicate-share',
  'social-insurance dq-insurance conflict-share dateOfBirth',
  'social-insurance dq-insurance source-lag-hours',
].sort();

const keyOf = (f: { dataset: string; source: string; metric: string; field: string | null }) =>
  `${f.dataset} ${f.source} ${f.metric}${f.field ? ` ${f.field}` : ''}`;

for (const kind of ['postgres', 'mariadb'] as const) {
  if (!servers[kind]) {
    describe.skip(`${kind} not reachable on 127.0.0.1: data-quality tests skipped`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`data quality of sources synced from ${kind}`, () => {
    const tmp = tempDir();
    const root = path.join(tmp.dir, 'connectors');
    let hub: TestHub;
    let writer: SourceWriter;
    let drop: () => Promise<void>;
    let inspector: string;
    let url: string;

    const sync = async (name: string) => {
      const connector = openConnector({
        name,
        root,
        logger: silentLogger(),
        set: [`url=${url}`],
        hub: {
          store: hub.store,
          sealing: hub.sealing,
          datasets: hub.app.privacy.datasets,
          dataDir: hub.dir,
          close: async () => undefined,
        },
      });
      return connector.sync();
    };
    const evaluate = async () => {
      const result = await hub.app.dataQuality.evaluate();
      await hub.settle();
      return result;
    };
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await hub.gql(inspector, query, variables);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data!;
    };
    const sourceOf = async (dataset: string, source: string) => {
      const data = await gql(FIGURES, { dataset });
      const [d] = data.dataQuality as { sources: { source: string }[] }[];
      return d!.sources.find((s) => s.source === source) as unknown as SourceFigures;
    };
    const openFindings = async () =>
      (await gql(FINDINGS, { open: true, first: 100 })).dataQualityFindings as {
        total: number;
        findings: Finding[];
      };
    const pseudonym = (personalId: string) => hub.pseudonymize('citizen', personalId);
    const siKey = (n: number) =>
      recordKeyFor(hub.app.privacy.datasets.get('social-insurance')!, siNumber(n), hub.pseudonymize);

    beforeAll(async () => {
      const db = await createTempDatabase(kind);
      url = db.url;
      writer = await openWriter(url);
      drop = async () => {
        await writer.close();
        await db.drop();
      };
      const ts = kind === 'postgres' ? 'TIMESTAMP(6)' : 'DATETIME(6)';
      for (const ddl of [...populationDdl(kind), SI_DDL(ts)]) await writer.run(ddl);
      for (const r of citizens()) {
        await writer.run(
          `INSERT INTO cong_dan (${POPULATION_COLUMNS.join(', ')}) VALUES (${POPULATION_COLUMNS.map(() => '?').join(', ')})`,
          POPULATION_COLUMNS.map((c) => r[c]),
        );
      }
      for (const r of insured())
        await writer.run(
          'INSERT INTO nguoi_bhxh (id, so_bhxh, so_dinh_danh, ho_ten, ngay_sinh, ngay_cap_nhat) VALUES (?, ?, ?, ?, ?, ?)',
          r,
        );
      writeConnectors(root);
      hub = await startTestHub({ citizens: 0, projections: [...API_PROJECTIONS, dataQualityProjection()] });
      inspector = await hub.token(AGENCIES.inspector, 'inspector');
      await sync('dq-population');
      await sync('dq-insurance');
      await hub.settle();
    }, 120_000);

    afterAll(async () => {
      await hub?.close();
      await drop?.();
      tmp.remove();
    });

    it('counts rows, fields, duplicates and disagreeing values exactly', async () => {
      const population = await sourceOf('population', 'dq-population');
      expect(population.correct).toEqual({
        rows: 50,
        valid: 46,
        failing: 4,
        validShare: 46 / 50,
        deadLetters: 4,
        lastRun: { read: 50, rejected: 4 },
      });
      const fields = Object.fromEntries(population.complete.fields.map((f) => [f.field, f]));
      expect(fields.gender).toEqual({
        field: 'gender',
        required: true,
        tracked: true,
        present: 48,
        of: 50,
        share: 48 / 50,
        threshold: 0.99,
      });
      expect(fields.personalId).toMatchObject({ present: 50, of: 50, share: 1 });
      expect(fields.ethnicity).toEqual({
        field: 'ethnicity',
        required: false,
        tracked: true,
        present: 36,
        of: 46,
        share: 36 / 46,
        threshold: 0.95,
      });
      expect(fields.household).toMatchObject({ present: 41, of: 46, share: 41 / 46, threshold: null });
      expect(fields.permanentResidence).toMatchObject({ present: 46, of: 46, share: 1 });
      expect(population.complete).toMatchObject({
        rows: 50,
        records: 46,
        listed: 46,
        requiredShare: 48 / 50,
      });
      // citizens 3 and 7 have no population record: 8 of the 10 insured are compared
      expect(population.clean).toEqual({
        records: 46,
        duplicates: 0,
        duplicateKeys: 0,
        duplicateSubjects: 0,
        identityConflicts: 0,
        duplicateShare: 0,
        attributes: [
          { attribute: 'fullName', compared: 8, conflicting: 0, conflictShare: 0 },
          { attribute: 'dateOfBirth', compared: 8, conflicting: 1, conflictShare: 1 / 8 },
        ],
      });

      const insurance = await sourceOf('social-insurance', 'dq-insurance');
      expect(insurance.correct).toMatchObject({ rows: 11, valid: 11, failing: 0, validShare: 1 });
      // citizen 8 has two records (a person has one here): both are duplicates; 9 records compared
      expect(insurance.clean).toEqual({
        records: 11,
        duplicates: 2,
        duplicateKeys: 0,
        duplicateSubjects: 2,
        identityConflicts: 0,
        duplicateShare: 2 / 11,
        attributes: [
          { attribute: 'fullName', compared: 9, conflicting: 0, conflictShare: 0 },
          { attribute: 'dateOfBirth', compared: 9, conflicting: 1, conflictShare: 1 / 9 },
        ],
      });
      const live = insurance.live;
      expect(live.runs).toBe(1);
      expect(live.sourceLagHours).toBeGreaterThan(719);
      expect(live.sourceLagHours).toBeLessThan(722);
      expect(population.live.sourceLagHours).toBeLessThan(2);
    });

    it('raises a finding for each figure beyond its threshold, pointing at what to open and at no value', async () => {
      const result = await evaluate();
      expect(result.raised.map(keyOf).sort()).toEqual(BEYOND);
      expect(result.closed).toEqual([]);
      // evaluating again changes nothing
      expect(await evaluate()).toEqual({ raised: [], closed: [] });

      const page = await openFindings();
      expect(page.total).toBe(7);
      const by = new Map(page.findings.map((f) => [keyOf(f), f]));
      const rejected = (await hub.raw.readStream('deadletter-dq-population')).map((e) => e.id);
      const valid = by.get('population dq-population valid-share')!;
      expect(valid).toMatchObject({ figure: 0.92, currentFigure: 0.92, open: true });
      expect(valid.examples.map((e) => e.kind)).toEqual([
        'dead-letter',
        'dead-letter',
        'dead-letter',
        'dead-letter',
      ]);
      expect(valid.examples.map((e) => e.id).sort()).toEqual([...rejected].sort());
      const gender = by.get('population dq-population required-share gender')!;
      expect(gender.examples.map((e) => e.note)).toEqual(['missing gender', 'missing gender']);
      const ethnicity = by.get('population dq-population optional-share ethnicity')!;
      expect(ethnicity.examples.map((e) => e.id).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => pseudonym(personalIdOf(20 + i))).sort(),
      );
      const conflict = by.get('population dq-population conflict-share dateOfBirth')!;
      expect(conflict.examples).toEqual([
        {
          kind: 'value-conflict',
          id: pseudonym(personalIdOf(5)),
          dataset: 'population',
          note: 'dateOfBirth differs',
          with: { dataset: 'social-insurance', recordKey: siKey(5) },
        },
      ]);
      const duplicates = by.get('social-insurance dq-insurance duplicate-share')!;
      expect(duplicates.examples.map((e) => e.id).sort()).toEqual([siKey(8), siKey(88)].sort());
      const lag = by.get('social-insurance dq-insurance source-lag-hours')!;
      expect(lag.examples).toMatchObject([{ kind: 'run', note: 'last successful run' }]);

      // pseudonyms and ids only: no citizen's id, name or date of birth anywhere in a finding
      const events = await hub.raw.readStream(dataQualityStream('population'));
      const text = JSON.stringify([page, events.map((e) => e.data)]);
      for (const r of citizens()) {
        expect(text).not.toContain(personalIdOf(r.id));
        expect(text).not.toContain(r.ho_ten.trim());
        expect(text).not.toContain(r.ngay_sinh);
      }

      // the figures and open findings as Prometheus gauges
      const metrics = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain(
        'lienthong_data_quality_figure{dataset="population",source="dq-population",dimension="correct",figure="valid_share"} 0.92',
      );
      expect(metrics).toContain(
        'lienthong_data_quality_figure{dataset="social-insurance",source="dq-insurance",dimension="clean",figure="conflict_share_dateOfBirth"} 0.1111111111111111',
      );
      expect(metrics).toContain(
        'lienthong_data_quality_findings_open{dataset="population",dimension="complete"} 2',
      );

      // one finding by id; inspectors only
      const one = await gql('query ($id: ID!) { dataQualityFinding(id: $id) { id metric open } }', {
        id: valid.id,
      });
      expect(one.dataQualityFinding).toEqual({ id: valid.id, metric: 'valid-share', open: true });
      // each read of findings is in the access log, recorded before the answer left
      const reads = (await hub.raw.readStream(inspectionStream(AGENCIES.inspector))).map((e) => e.data);
      expect(reads.slice(-2)).toMatchObject([
        { kind: 'data-quality', subject: null, query: { open: true, first: 100, after: null }, count: 7 },
        { kind: 'data-quality', subject: null, query: { findingId: valid.id }, count: 1 },
      ]);
      const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
      const refused = await hub.gql(consumer, FINDINGS, {});
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    });

    it('prints the figures and the findings from the command line', { timeout: 180_000 }, async () => {
      const report = await runHubCli('-d', hub.dir, 'quality', 'report', '--dataset', 'population');
      expect(report.code, report.stderr).toBe(0);
      const lines = report.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^DATASET +SOURCE +ROWS +VALID +REQUIRED +RECORDS +DUPLICATES +CONFLICTS +SYNC AGE +SOURCE LAG +OPEN FINDINGS$/,
      );
      expect(lines[1]).toMatch(/^population +\(all\) +50 +92\.0% +96\.0% +46 +0\.0% +12\.5% +– +– +4$/);
      expect(lines[2]).toMatch(
        /^population +dq-population +50 +92\.0% +96\.0% +46 +0\.0% +12\.5% +0\.\d h +\d\.\d h$/,
      );
      const findings = await runHubCli('-d', hub.dir, 'quality', 'findings', '--open');
      expect(findings.stdout).toContain('7 of 7 finding(s)');
      expect(findings.stdout).toMatch(
        /open +social-insurance +dq-insurance +source-lag-hours +7\d\d\.\d h +≤ 168\.0 h/,
      );
      const again = await runHubCli('-d', hub.dir, 'quality', 'evaluate');
      expect(again.stdout).toContain('0 finding(s) raised, 0 closed');
      const unknown = await runHubCli('-d', hub.dir, 'quality', 'report', '--dataset', 'boats');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no dataset "boats"');
    });

    it('pages findings newest first with a cursor, and refuses a cursor it did not give', async () => {
      const first = (await gql(FINDINGS, { first: 4 })).dataQualityFindings as {
        nextCursor: string;
        findings: Finding[];
      };
      const rest = (await gql(FINDINGS, { first: 4, after: first.nextCursor })).dataQualityFindings as {
        nextCursor: string | null;
        findings: Finding[];
      };
      expect(first.findings).toHaveLength(4);
      expect(rest.findings).toHaveLength(3);
      expect(rest.nextCursor).toBeNull();
      expect(new Set([...first.findings, ...rest.findings].map((f) => f.id)).size).toBe(7);
      const bad = await hub.gql(inspector, FINDINGS, { after: 'x' });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const unknown = await hub.gql(inspector, FIGURES, { dataset: 'no-such' });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', dataset: 'no-such' });
    });

    it('raises a live finding when no run succeeded for longer than the dataset allows, and closes it after', async () => {
      const later = new Date(Date.now() + 48 * HOUR);
      hub.setNow(later);
      const stale = await evaluate();
      expect(stale.raised.map(keyOf).sort()).toEqual([
        'population dq-population sync-age-hours',
        'social-insurance dq-insurance sync-age-hours',
      ]);
      const raised = stale.raised[0]!;
      const { live } = await sourceOf(raised.dataset, raised.source);
      // since: the last success plus the 26 hours the dataset allows
      expect(raised.since).toBe(new Date(Date.parse(live.lastSuccess.at) + 26 * HOUR).toISOString());
      expect(raised.figure).toBeGreaterThan(47.9);
      hub.setNow(new Date());
      const fresh = await evaluate();
      expect(fresh.raised).toEqual([]);
      expect(fresh.closed.map((c) => [keyOf(c), c.reason]).sort()).toEqual([
        ['population dq-population sync-age-hours', 'recovered'],
        ['social-insurance dq-insurance sync-age-hours', 'recovered'],
      ]);
    });

    it('closes every finding once the sources are fixed and synced again', async () => {
      const now = localTime(0);
      const fix = async (sql: string, params: unknown[]) => writer.run(sql, params);
      for (const id of [3, 7])
        await fix('UPDATE cong_dan SET so_dinh_danh = ?, ngay_cap_nhat = ? WHERE id = ?', [
          personalIdOf(id),
          now,
          id,
        ]);
      await fix('UPDATE cong_dan SET gioi_tinh = 1, ngay_cap_nhat = ? WHERE id IN (11, 13)', [now]);
      await fix("UPDATE cong_dan SET dan_toc = 'Kinh', ngay_cap_nhat = ? WHERE id BETWEEN 20 AND 29", [now]);
      const five = populationRows({ count: 1, startId: 5 })[0]!;
      await fix('UPDATE nguoi_bhxh SET ngay_sinh = ? WHERE id = 105', [five.ngay_sinh]);
      await fix('UPDATE nguoi_bhxh SET da_xoa = 1 WHERE id = 111', []);
      await fix('UPDATE nguoi_bhxh SET ngay_cap_nhat = ?', [now]);
      await sync('dq-population');
      await sync('dq-insurance');
      await hub.settle();

      const result = await evaluate();
      expect(result.raised).toEqual([]);
      expect(result.closed.map((c) => [keyOf(c), c.reason]).sort()).toEqual(
        BEYOND.map((k) => [k, 'recovered']),
      );
      expect((await openFindings()).total).toBe(0);
      const closed = (await gql(FINDINGS, { open: false, first: 100 })).dataQualityFindings as {
        total: number;
        findings: Finding[];
      };
      expect(closed.total).toBe(9);
      expect(closed.findings.every((f) => !f.open && f.closeReason === 'recovered')).toBe(true);

      const population = await sourceOf('population', 'dq-population');
      expect(population.correct).toMatchObject({
        rows: 50,
        valid: 50,
        failing: 0,
        validShare: 1,
        deadLetters: 4,
      });
      expect(population.clean).toMatchObject({
        attributes: [
          { attribute: 'fullName', compared: 10, conflicting: 0 },
          { attribute: 'dateOfBirth', compared: 10, conflicting: 0 },
        ],
      });
      const insurance = await sourceOf('social-insurance', 'dq-insurance');
      expect(insurance.clean).toMatchObject({ records: 10, duplicates: 0, duplicateShare: 0 });
      expect(insurance.live.sourceLagHours).toBeLessThan(1);

      // the findings' history is in the log, each raise closed once
      const events: RecordedEvent<string, DataQualityFindingRaisedData>[] = [
        ...(await hub.raw.readStream(dataQualityStream('population'))),
        ...(await hub.raw.readStream(dataQualityStream('social-insurance'))),
      ] as never;
      const raisedIds = events
        .filter((e) => e.type === 'DataQualityFindingRaised')
        .map((e) => e.data.findingId);
      const closedIds = events
        .filter((e) => e.type === 'DataQualityFindingClosed')
        .map((e) => e.data.findingId);
      expect(new Set(raisedIds).size).toBe(9);
      expect(closedIds.sort()).toEqual([...raisedIds].sort());
    });
  });
}
