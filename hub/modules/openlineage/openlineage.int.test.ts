import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSource } from '../../../demo/seed/connectors.js';
import { createSourceDatabase, serverAvailable, withTempDatabase } from '../../../demo/sources/index.js';
import type { ApiServices } from '../../api/graphql/kit/context.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import type { HubModule } from '../../kernel/module.js';
import { runHubCli } from '../../testing/cli.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';
import { tempDir } from '../../testing/temp.js';
import { hubModules } from '../index.js';
import { createOpenLineageValidator, type RunEvent } from './index.js';

const postgres = await serverAvailable('postgres');
const mariadb = await serverAvailable('mariadb');
if (!postgres) console.warn('openlineage: no PostgreSQL server reachable, its connector runs are left out');
if (!mariadb) console.warn('openlineage: no MariaDB server reachable, its connector runs are left out');

const validator = createOpenLineageValidator();
/** The events the schemas refuse, each with its issues (none: every event is valid). */
const invalidEvents = (events: unknown[]) =>
  events
    .map((event, index) => ({ index, issues: validator.validate(event) }))
    .filter((e) => e.issues.length > 0);

const PASSWORD = 's3cret-pw';
const RESIDENCE = 'tthc-1.004194';
const BIRTH = 'tthc-1.001193';

interface SyncedRun {
  connector: string;
  runId: string;
  outcome: 'completed' | 'failed';
  written: number;
  /** Every table of the source database with its columns, by OpenLineage dataset (`namespace name`). */
  columns: Map<string, Set<string>>;
}

async function pgColumns(url: string, database: string): Promise<Map<string, Set<string>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    return group(
      rows.map((r) => [`postgres://127.0.0.1:5432 ${database}.public.${r.table_name}`, r.column_name]),
    );
  } finally {
    await client.end();
  }
}

async function mariadbColumns(url: string, database: string): Promise<Map<string, Set<string>>> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
    );
    return group(rows.map((r) => [`mysql://127.0.0.1:3306 ${database}.${r.t}`, String(r.c)]));
  } finally {
    await conn.end();
  }
}

function group(pairs: [string, string][]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, column] of pairs) out.set(key, (out.get(key) ?? new Set()).add(column));
  return out;
}

let hub: TestHub;
const runs: SyncedRun[] = [];

/** The test hub as a connector writes to it. */
const hubOptions = () => ({
  store: hub.store,
  sealing: hub.sealing,
  datasets: hub.app.privacy.datasets,
  dataDir: hub.dir,
  logger: hub.app.log as Logger,
});

async function sync(
  kind: 'postgres' | 'mariadb',
  connector: string,
  dataset: 'population' | 'social-insurance',
) {
  await withTempDatabase(kind, async (target) => {
    await createSourceDatabase(target, dataset, { rows: 40, seed: 7 });
    const database = new URL(target.url).pathname.slice(1);
    const url = new URL(target.url);
    if (kind === 'postgres') url.password = PASSWORD; // trust authentication: never checked, never to be exported
    const columns =
      kind === 'postgres'
        ? await pgColumns(target.url, database)
        : await mariadbColumns(target.url, database);
    const result = await syncSource(hubOptions(), connector, url.toString());
    runs.push({
      connector,
      runId: result.runId,
      outcome: 'completed',
      written: result.counts.upserted + result.counts.deleted,
      columns,
    });
  });
}

/** A run that fails: the connector's table is missing from an empty database. */
async function failingSync(kind: 'postgres' | 'mariadb') {
  await withTempDatabase(kind, async (target) => {
    const error = await syncSource(hubOptions(), 'driving-licences-sql', target.url).catch(
      (e: Error & { code: string }) => e,
    );
    expect((error as { code: string }).code).toMatch(/^CONNECTOR_/);
    const [started] = (
      await hub.raw.readStream('connector-driving-licences-sql', { direction: 'backwards' })
    ).filter((e) => e.type === 'ConnectorRunStarted');
    runs.push({
      connector: 'driving-licences-sql',
      runId: (started!.data as { runId: string }).runId,
      outcome: 'failed',
      written: 0,
      columns: new Map(),
    });
  });
}

const pid = (i: number) => hub.citizens[i]!.personalId as string;
const PERSON = `query($id: String!, $purpose: String!) {
  person(personalId: $id, purpose: $purpose) { fullName dateOfBirth release { accessId consentId } }
}`;
let consentId: string;
let accessIds: string[] = [];

beforeAll(async () => {
  hub = await startTestHub({ citizens: 4 });
  if (postgres) {
    await sync('postgres', 'population-household-sql', 'population');
    await failingSync('postgres');
  }
  if (mariadb) await sync('mariadb', 'social-insurance-sql', 'social-insurance');
  // a release under a contract that needs no consent, a refusal, then a consented release
  const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
  await hub.gql(consumer, PERSON, { id: pid(0), purpose: BIRTH });
  const refused = await hub.gql(consumer, PERSON, { id: pid(1), purpose: RESIDENCE });
  expect(refused.errors?.[0]?.extensions.code).toBe('CONSENT_REQUIRED');
  const portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(1) });
  const granted = await hub.gql(
    portal,
    `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } } }`,
    {
      input: {
        consumer: AGENCIES.baDinh,
        purposes: [RESIDENCE],
        scope: [{ dataset: 'population', fields: ['fullName', 'dateOfBirth'] }],
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    },
  );
  consentId = (granted.data!.grantConsent as { consent: { id: string } }).consent.id;
  const released = await hub.gql(consumer, PERSON, { id: pid(1), purpose: RESIDENCE });
  expect((released.data!.person as { release: { consentId: string } }).release.consentId).toBe(consentId);
  accessIds = [...(await hub.accessEvents(pid(0))), ...(await hub.accessEvents(pid(1)))].map((e) => e.id);
}, 180_000);
afterAll(async () => hub?.close());

async function exportLines(query: string, token?: string) {
  const res = await hub.app.inject({
    method: 'GET',
    url: `/openlineage/events${query}`,
    headers: { authorization: `Bearer ${token ?? (await hub.token(AGENCIES.inspector, 'inspector'))}` },
  });
  const events =
    res.statusCode === 200
      ? res.body
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as RunEvent)
      : [];
  return { res, events };
}

const facetOf = <T = Record<string, unknown>>(facets: Record<string, unknown> | undefined, key: string) =>
  facets?.[key] as T;

describe('GET /openlineage/events', () => {
  let all: RunEvent[];
  let body: string;
  beforeAll(async () => {
    const { res, events } = await exportLines('');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    all = events;
    body = res.body;
  });

  it('exports events every one of which the official OpenLineage schemas and the facet schemas accept', () => {
    expect(all.length).toBe(runs.length * 2 + accessIds.length);
    expect(invalidEvents(all)).toEqual([]);
  });

  it('fails on an event the schemas refuse: the check above can fail', () => {
    const release = all.find((e) => e.job.name.startsWith('release/') && e.eventType === 'COMPLETE')!;
    const broken = structuredClone(release);
    const lineage = facetOf<{ fields: Record<string, { inputFields: Record<string, unknown>[] }> }>(
      broken.outputs[0]!.facets,
      'columnLineage',
    );
    delete Object.values(lineage.fields)[0]!.inputFields[0]!.field;
    const found = invalidEvents([...all, broken]);
    expect(found.map((f) => f.index)).toEqual([all.length]);
    expect(found[0]!.issues).toEqual([
      {
        path: '/outputs/0/facets/columnLineage/fields/fullName/inputFields/0',
        message: "must have required property 'field'",
      },
    ]);
    const other = structuredClone(release);
    other.run.runId = 'not-a-uuid';
    (other.run.facets.lienthong_release as Record<string, unknown>).subject = pid(1);
    other.run.facets.lienthong_unknown = { ...other.run.facets.lienthong_release! };
    (other.outputs[0]!.facets!.schema as Record<string, unknown>)._schemaURL =
      'https://openlineage.io/spec/1-0-0/x.json';
    const issues = validator.validate(other).map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining([
        '/run/runId',
        '/run/facets/lienthong_release/subject',
        '/run/facets/lienthong_unknown',
        '/outputs/0/facets/schema/_schemaURL',
      ]),
    );
  });

  it.skipIf(!postgres && !mariadb)(
    'gives each connector run a START and its end under one runId and job',
    () => {
      for (const run of runs) {
        const events = all.filter((e) => e.run.runId === run.runId);
        expect(events.map((e) => e.eventType)).toEqual([
          'START',
          run.outcome === 'completed' ? 'COMPLETE' : 'FAIL',
        ]);
        expect(new Set(events.map((e) => `${e.job.namespace} ${e.job.name}`))).toEqual(
          new Set([`lienthong://hub.local ${run.connector}`]),
        );
        expect(facetOf(events[0]!.job.facets, 'jobType')).toMatchObject({
          processingType: 'BATCH',
          jobType: 'CONNECTOR_SYNC',
        });
      }
    },
  );

  it.skipIf(!postgres && !mariadb)(
    'maps every output field to real columns of the source tables, and counts the rows written',
    () => {
      for (const run of runs.filter((r) => r.outcome === 'completed')) {
        const [start, complete] = all.filter((e) => e.run.runId === run.runId);
        for (const input of start!.inputs)
          expect(run.columns.has(`${input.namespace} ${input.name}`)).toBe(true);
        const [output] = complete!.outputs;
        expect(output!.namespace).toBe('lienthong://hub.local');
        const lineage = facetOf<{
          fields: Record<string, { inputFields: { namespace: string; name: string; field: string }[] }>;
          dataset: { field: string }[];
        }>(output!.facets, 'columnLineage');
        const mapped = Object.values(lineage.fields).flatMap((f) => f.inputFields);
        expect(mapped.length).toBeGreaterThan(3);
        for (const input of [...mapped, ...(lineage.dataset as typeof mapped)]) {
          expect(
            run.columns.get(`${input.namespace} ${input.name}`),
            `${input.name}.${input.field}`,
          ).toContain(input.field);
        }
        expect(facetOf(output!.outputFacets, 'outputStatistics')).toMatchObject({ rowCount: run.written });
        expect(facetOf(complete!.run.facets, 'lienthong_connector')).toMatchObject({
          counts: { upserted: expect.any(Number) },
        });
      }
    },
  );

  it.skipIf(!postgres)(
    'names a joined table by its own name, and PostgreSQL tables as database.schema.table',
    () => {
      const run = runs.find((r) => r.connector === 'population-household-sql')!;
      const start = all.find((e) => e.run.runId === run.runId)!;
      const lineage = facetOf<{
        fields: Record<
          string,
          { inputFields: { name: string; field: string; transformations: { subtype: string }[] }[] }
        >;
      }>(start.outputs[0]!.facets, 'columnLineage');
      const address = lineage.fields['permanentResidence.address']!.inputFields[0]!;
      expect(address.name).toMatch(/^lt_src_\w+\.public\.ho_gia_dinh$/);
      expect(address.field).toBe('dia_chi');
      expect(lineage.fields.fullName!.inputFields[0]).toMatchObject({
        name: expect.stringMatching(/\.public\.cong_dan$/),
        field: 'ho_ten',
      });
      expect(lineage.fields.fullName!.inputFields[0]!.transformations[0]!.subtype).toBe('TRANSFORMATION');
      expect(start.inputs.map((i) => i.namespace)).toEqual([
        'postgres://127.0.0.1:5432',
        'postgres://127.0.0.1:5432',
      ]);
    },
  );

  it.skipIf(!postgres)('carries the error of a failed run, and no credentials of a source anywhere', () => {
    const run = runs.find((r) => r.outcome === 'failed')!;
    const fail = all.find((e) => e.run.runId === run.runId && e.eventType === 'FAIL')!;
    expect(facetOf(fail.run.facets, 'errorMessage')).toMatchObject({
      programmingLanguage: 'TypeScript',
      message: expect.any(String),
    });
    expect(facetOf(fail.run.facets, 'lienthong_connector')).toMatchObject({
      error: { code: expect.stringMatching(/^CONNECTOR_/), failure: 'config' },
    });
    expect(fail.outputs.some((o) => o.outputFacets)).toBe(false);
    expect(body).not.toContain(PASSWORD);
  });

  it('exports each release as a COMPLETE run named after its access event, with consent and legal basis', async () => {
    const released = (await hub.accessEvents(pid(1))).find((e) => e.type === 'DataAccessed')!;
    const event = all.find((e) => e.run.runId === released.id)!;
    expect(event).toMatchObject({
      eventType: 'COMPLETE',
      job: {
        namespace: 'lienthong://hub.local',
        name: `release/${AGENCIES.baDinh}/c06-to-ba-dinh-permanent-residence/population`,
      },
      inputs: [{ namespace: 'lienthong://hub.local', name: 'population' }],
      outputs: [{ namespace: `agency://${AGENCIES.baDinh}`, name: 'population' }],
    });
    expect(facetOf(event.run.facets, 'lienthong_consent')).toMatchObject({
      consentRequired: true,
      consentId,
      consumer: AGENCIES.baDinh,
      purposes: [RESIDENCE],
    });
    expect(facetOf(event.run.facets, 'lienthong_legalBasis')).toMatchObject({
      contract: { id: 'c06-to-ba-dinh-permanent-residence', version: 1 },
      legalBasis: expect.stringMatching(/\S/),
      consentRequired: true,
    });
    expect(facetOf(event.run.facets, 'lienthong_release')).toMatchObject({
      outcome: 'released',
      subject: hub.pseudonymize('citizen', pid(1)),
      fields: ['fullName', 'dateOfBirth'],
      purpose: RESIDENCE,
    });
    const lineage = facetOf<{ fields: Record<string, { inputFields: unknown[] }> }>(
      event.outputs[0]!.facets,
      'columnLineage',
    );
    expect(lineage.fields).toEqual({
      fullName: {
        inputFields: [
          {
            namespace: 'lienthong://hub.local',
            name: 'population',
            field: 'fullName',
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
          },
        ],
      },
      dateOfBirth: {
        inputFields: [
          {
            namespace: 'lienthong://hub.local',
            name: 'population',
            field: 'dateOfBirth',
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
          },
        ],
      },
    });
  });

  it('exports a refusal as a FAIL with the reason, no output, and a release without consent as such', async () => {
    const [denied] = (await hub.accessEvents(pid(1))) as RecordedEvent[];
    const fail = all.find((e) => e.run.runId === denied!.id)!;
    expect(fail.eventType).toBe('FAIL');
    expect(fail.outputs).toEqual([]);
    expect(facetOf(fail.run.facets, 'errorMessage')).toMatchObject({
      message: expect.stringMatching(/^CONSENT_REQUIRED: /),
    });
    expect(facetOf(fail.run.facets, 'lienthong_release')).toMatchObject({
      outcome: 'denied',
      reason: 'CONSENT_REQUIRED',
    });
    const [plain] = await hub.accessEvents(pid(0));
    const complete = all.find((e) => e.run.runId === plain!.id)!;
    expect(facetOf(complete.run.facets, 'lienthong_consent')).toEqual(
      expect.objectContaining({ consentRequired: false, consentId: null }),
    );
  });

  it('holds citizens only as pseudonyms', () => {
    for (const citizen of hub.citizens.slice(0, 2)) {
      expect(body).not.toContain(String(citizen.personalId));
      expect(body).not.toContain(String(citizen.fullName));
    }
  });

  it('records the read in the access log (InspectionPerformed, kind lineage) with what it sends', async () => {
    const { res, events } = await exportLines('?kind=accesses&limit=2');
    expect(events).toHaveLength(2);
    expect(res.headers['x-openlineage-events']).toBe('2');
    const log = await hub.raw.readStream(`inspection-${AGENCIES.inspector}`);
    const recorded = log.filter(
      (e) => (e.data as { requestId: string }).requestId === res.headers['x-request-id'],
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      type: 'InspectionPerformed',
      data: {
        caller: { agency: AGENCIES.inspector, role: 'inspector' },
        kind: 'lineage',
        subject: null,
        query: { export: 'openlineage', since: null, until: null, kinds: ['accesses'], limit: 2 },
        count: 2,
      },
    });
  });

  it('sends nothing when the read cannot be recorded', async () => {
    const unavailable: HubModule = {
      name: 'access-log',
      projections: [],
      async plugin(_app, host) {
        const log = {
          record: async () => {
            throw new Error('the access log is unavailable');
          },
        };
        host.services.provide('inspections', log as unknown as ApiServices['inspections']);
      },
    };
    const other = await startTestHub({
      citizens: 1,
      modules: hubModules.map((m) => (m.name === 'access-log' ? unavailable : m)),
    });
    try {
      const consumer = await other.token(AGENCIES.baDinh, 'consumer');
      const citizen = String(other.citizens[0]!.personalId);
      await other.gql(consumer, PERSON, { id: citizen, purpose: BIRTH });
      expect((await other.accessEvents(citizen)).map((e) => e.type)).toEqual(['DataAccessed']);
      const res = await other.app.inject({
        method: 'GET',
        url: '/openlineage/events?kind=accesses',
        headers: { authorization: `Bearer ${await other.token(AGENCIES.inspector, 'inspector')}` },
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('lienthong_release');
    } finally {
      await other.close();
    }
  });

  it('filters by kind and time', async () => {
    const { events: accesses } = await exportLines('?kind=accesses');
    expect(accesses.map((e) => e.run.runId).sort()).toEqual([...accessIds].sort());
    const { events: connectorRuns } = await exportLines('?kind=runs');
    expect(connectorRuns).toHaveLength(runs.length * 2);
    const last = all.at(-1)!;
    const { events: after } = await exportLines(`?since=${encodeURIComponent(last.eventTime)}`);
    expect(after.map((e) => e.run.runId)).toEqual([last.run.runId]);
    const { events: before } = await exportLines(
      `?until=${encodeURIComponent(last.eventTime)}&kind=accesses`,
    );
    expect(before).toHaveLength(accessIds.length - 1);
    const { events: none } = await exportLines('?since=2000-01-01&until=2000-01-02');
    expect(none).toEqual([]);
  });

  it('refuses bad parameters with typed 400s naming them, and callers other than inspectors', async () => {
    for (const [query, parameter] of [
      ['?since=yesterday', 'since'],
      ['?until=2026-02-30', 'until'],
      ['?since=2026-01-02&until=2026-01-01', 'until'],
      ['?kind=all', 'kind'],
      ['?limit=0', 'limit'],
      ['?limit=2000000', 'limit'],
      ['?sinse=2026-01-01', 'sinse'],
      ['?kind=runs&kind=accesses', 'kind'],
    ] as const) {
      const { res } = await exportLines(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ code: 'OPENLINEAGE_INVALID_QUERY', details: { parameter } });
    }
    const consumer = await exportLines('', await hub.token(AGENCIES.baDinh, 'consumer'));
    expect(consumer.res.statusCode).toBe(403);
    const anonymous = await hub.app.inject({ method: 'GET', url: '/openlineage/events' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('npm run hub -- openlineage', () => {
  let receiver: FastifyInstance;
  const received: unknown[] = [];
  let refuseAfter = Number.POSITIVE_INFINITY;
  const temp = tempDir();
  beforeAll(async () => {
    receiver = Fastify();
    receiver.post('/api/v1/lineage', async (request, reply) => {
      if (received.length >= refuseAfter) return reply.code(500).send({ error: 'storage full' });
      received.push(request.body);
      return reply.code(201).send();
    });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await receiver.close();
    temp.remove();
  });
  const endpoint = () =>
    `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/api/v1/lineage`;

  it('exports to a file the same events as the route, and validates them', async () => {
    const file = path.join(temp.dir, 'lineage.ndjson');
    const exported = await runHubCli('-d', hub.dir, 'openlineage', 'export', '--out', file);
    expect(exported.stderr).toMatch(/openlineage: (\d+) of \1 event\(s\) exported to /);
    const { events } = await exportLines('');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(events);
    const valid = await runHubCli('openlineage', 'validate', file);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain(`${lines.length} event(s), all valid OpenLineage`);
    const broken = path.join(temp.dir, 'broken.ndjson');
    fs.writeFileSync(broken, `${lines[0]}\n${lines[1]!.replace('"runId":"', '"runId":"x')}\n`);
    const invalid = await runHubCli('openlineage', 'validate', broken);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('line 2: /run/runId must match format "uuid"');
    expect(invalid.stderr).toContain('OPENLINEAGE_EVENTS_INVALID');
  }, 60_000);

  it('posts each event to an OpenLineage HTTP endpoint, and stops at the first it does not take', async () => {
    const pushAccesses = () =>
      runHubCli('-d', hub.dir, 'openlineage', 'export', '--kind', 'accesses', '--url', endpoint());
    const pushed = await pushAccesses();
    expect(pushed.code, pushed.stderr).toBe(0);
    const { events } = await exportLines('?kind=accesses');
    expect(received).toEqual(events);
    received.length = 0;
    refuseAfter = 1;
    const refused = await pushAccesses();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('OPENLINEAGE_TRANSPORT_FAILED');
    expect(refused.stderr).toContain('answered 500 to event 2');
    expect(refused.stderr).toContain('1 event(s) sent before it');
    expect(received).toHaveLength(1);
    const badOption = await runHubCli('-d', hub.dir, 'openlineage', 'export', '--since', 'last week');
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toContain(
      'error [OPENLINEAGE_INVALID_QUERY]: --since: must be an ISO 8601 instant',
    );
  }, 60_000);
});
