import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorConfigError } from '../../hub/kernel/errors/index.js';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { tempConnector } from '../sql/testing/temp-connector.js';
import { loadConnector } from './manifest.js';
import type { MappingSpec } from './mapping.js';
import { configuredStream, EFFECTIVE_CURSOR, type StreamManifest, selectOnlyIssue } from './stream-source.js';

describe('selectOnlyIssue', () => {
  it('accepts a SELECT or WITH … SELECT, with comments, literals and a trailing semicolon', () => {
    for (const sql of [
      'SELECT id FROM cong_dan',
      '  select id from cong_dan;  ',
      '(SELECT id FROM a) UNION (SELECT id FROM b)',
      "-- the update below is only a comment\nSELECT id, 'DELETE; INTO' AS note FROM cong_dan /* UPDATE */",
      'WITH h AS (SELECT so_ho FROM ho_gia_dinh) SELECT * FROM h',
      'SELECT "update", `insert` FROM t',
      'SELECT $$ DROP TABLE x; $$ AS s',
    ]) {
      expect(selectOnlyIssue(sql), sql).toBeUndefined();
    }
  });

  it('refuses anything else, naming what it found', () => {
    expect(selectOnlyIssue('DELETE FROM cong_dan')).toMatch(/SELECT.*starts with DELETE/);
    expect(selectOnlyIssue('update cong_dan set ho_ten = null')).toMatch(/starts with UPDATE/);
    expect(selectOnlyIssue('SELECT 1; DROP TABLE cong_dan')).toMatch(/single statement/);
    expect(selectOnlyIssue('WITH d AS (DELETE FROM cong_dan RETURNING id) SELECT id FROM d')).toMatch(
      /DELETE is not allowed/,
    );
    expect(selectOnlyIssue('SELECT * INTO copy FROM cong_dan')).toMatch(/INTO is not allowed/);
    expect(selectOnlyIssue('SELECT * FROM cong_dan FOR UPDATE')).toMatch(/UPDATE is not allowed/);
    expect(selectOnlyIssue('-- SELECT\nTRUNCATE cong_dan')).toMatch(/starts with TRUNCATE/);
  });
});

describe('streams that span tables in the manifest', () => {
  let tmp: ReturnType<typeof tempDir>;
  const datasets = loadDatasets();
  const load = (stream: (s: StreamManifest) => StreamManifest, fields = (f: MappingSpec['fields']) => f) => {
    tempConnector({ root: tmp.dir, name: 'spans', from: 'population-household-sql', stream, fields });
    return loadConnector('spans', datasets, tmp.dir);
  };
  const issuesOf = (work: () => unknown) => {
    try {
      work();
    } catch (e) {
      expect(e).toBeInstanceOf(ConnectorConfigError);
      return (e as ConnectorConfigError & { issues: { path: string; message: string }[] }).issues;
    }
    throw new Error('no ConnectorConfigError');
  };
  const query = ({ table, alias, joins, ...rest }: StreamManifest, sql: string): StreamManifest => ({
    ...rest,
    name: 'cong_dan_thuong_tru',
    query: sql,
    cursorField: ['ngay_cap_nhat'],
  });
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('refuses a query that is not a SELECT with a config error naming the manifest field', () => {
    const issues = issuesOf(() => load((s) => query(s, 'DELETE FROM cong_dan WHERE da_xoa = 1')));
    expect(issues).toEqual([
      {
        path: '/streams/0/query',
        message: 'must be a single read-only SELECT (or WITH … SELECT); it starts with DELETE',
      },
    ]);
    const cte = issuesOf(() =>
      load((s) => query(s, 'WITH d AS (DELETE FROM cong_dan RETURNING *) SELECT * FROM d')),
    );
    expect(cte).toEqual([
      { path: '/streams/0/query', message: 'must only read: DELETE is not allowed in a source query' },
    ]);
  });

  it('a query stream needs a name and takes no table; a list of cursors is for queries only', () => {
    const noName = issuesOf(() =>
      load((s) => {
        const { name: _, ...q } = query(s, 'SELECT * FROM cong_dan');
        return q;
      }),
    );
    expect(noName).toContainEqual({ path: '/streams/0/name', message: 'is required' });
    const withTable = issuesOf(() =>
      load((s) => ({ ...query(s, 'SELECT * FROM cong_dan'), table: 'cong_dan' })),
    );
    expect(withTable).toContainEqual({
      path: '/streams/0/table',
      message: 'is not allowed with query (the query names its tables)',
    });
    const list = issuesOf(() => load((s) => ({ ...s, cursorField: ['ngay_cap_nhat'] })));
    expect(list[0]!.path).toBe('/streams/0/cursorField');
  });

  it('names an undeclared alias, in a join condition and in a mapping rule', () => {
    const issues = issuesOf(() =>
      load(
        (s) => ({ ...s, joins: s.joins!.map((j) => ({ ...j, on: { so_ho: 'cdx.so_ho' } })) }),
        (f) => ({ ...f, 'permanentResidence.address': { from: 'hg.dia_chi' } }),
      ),
    );
    expect(issues).toEqual([
      { path: '/streams/0/joins/0/on/so_ho', message: 'must name <alias>.<column> of cd (got cdx.so_ho)' },
      {
        path: '/streams/0/mapping(mapping.json)/fields/permanentResidence.address/from',
        message: "alias hg is not declared (the stream's aliases: cd, hgd)",
      },
    ]);
  });

  it("configures a join: bare columns are the base table's, the cursor is the greatest of every table's", () => {
    const loaded = load((s) => s);
    const stream = configuredStream(loaded.manifest.streams[0]!, loaded.mappings[0]!, '/streams/0');
    expect(stream).toMatchObject({
      name: 'cong_dan',
      primaryKey: 'id',
      cursorField: EFFECTIVE_CURSOR,
      source: {
        kind: 'join',
        table: 'cong_dan',
        alias: 'cd',
        cursorColumns: ['cd.ngay_cap_nhat', 'hgd.ngay_cap_nhat'],
        joins: [{ table: 'ho_gia_dinh', alias: 'hgd', kind: 'left', on: { so_ho: 'cd.so_ho' } }],
      },
    });
    expect(stream.columns).toEqual(
      expect.arrayContaining(['id', 'da_xoa', 'ho_ten', 'hgd.dia_chi', 'hgd.ma_xa']),
    );
    expect(stream.columns).not.toContain('ngay_cap_nhat');
  });
});
