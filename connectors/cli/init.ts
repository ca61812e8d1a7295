import fs from 'node:fs';
import path from 'node:path';
import type { SchemaObject } from 'ajv/dist/2020.js';
import { ConnectorConfigError } from '../../hub/kernel/errors/index.js';
import { type DatasetDefinition, loadDatasets } from '../../hub/modules/records/index.js';
import {
  CONNECTORS_DIR,
  type LoadedConnector,
  layeredConfig,
  loadConnector,
  resolveConfig,
  type StreamManifest,
} from '../kit/manifest.js';
import type { MappingSpec } from '../kit/mapping.js';
import type { Catalog, CatalogStream, SourceConnector } from '../kit/protocol.js';
import { closest } from '../kit/suggest.js';
import { sourceFor } from '../runtime.js';
import { parseSourceUrl } from '../sql/driver.js';
import { sqlConfigSchema, sqlSource } from '../sql/source.js';
import { fixtureSql, type TableStream } from './fixtures.js';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/\./g, '_');

/** A path as the user typed it: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** Required leaf fields of a dataset schema, as dotted paths. */
function requiredLeaves(schema: SchemaObject, prefix = ''): string[] {
  const props = (schema.properties ?? {}) as Record<string, SchemaObject>;
  return ((schema.required ?? []) as string[]).flatMap((name) => {
    const p = props[name]!;
    return p.type === 'object' ? requiredLeaves(p, `${prefix}${name}.`) : [`${prefix}${name}`];
  });
}

/** The table `discover` found under that name; the error lists the tables and the likeliest one. */
export function findTable(streams: CatalogStream[], table: string, system: string): CatalogStream {
  const found = streams.find((s) => s.name === table);
  if (found) return found;
  const names = streams.map((s) => s.name);
  const guess = closest(table, names);
  throw new ConnectorConfigError(system, [
    {
      path: '--table',
      message: `no table ${table}${guess ? `; did you mean ${guess}?` : ''} (tables: ${names.join(', ') || 'none'})`,
    },
  ]);
}

const FLAG_TYPE = /int|bool|bit|char\(1\)/i;

/** What `init` proposes for a table from `discover`: primary key, cursor and mode, soft-delete flag. */
export function propose(
  t: CatalogStream,
  overrides: { primaryKey?: string; cursor?: string } = {},
): Pick<StreamManifest, 'mode' | 'softDelete'> & { primaryKey: string; cursorField?: string } {
  const columns = new Set(t.columns.map((c) => c.name));
  for (const [option, column] of [
    ['--primary-key', overrides.primaryKey],
    ['--cursor', overrides.cursor],
  ] as const) {
    if (column && !columns.has(column)) {
      const guess = closest(column, [...columns]);
      throw new ConnectorConfigError(t.name, [
        {
          path: option,
          message: `no column ${column} in ${t.name}${guess ? `; did you mean ${guess}?` : ''}`,
        },
      ]);
    }
  }
  const primaryKey = overrides.primaryKey ?? t.primaryKeyCandidates.find((k) => k.length === 1)?.[0];
  if (!primaryKey) {
    throw new ConnectorConfigError(t.name, [
      {
        path: '--primary-key',
        message: `${t.name} has no single-column primary key or unique NOT NULL column: name one with --primary-key`,
      },
    ]);
  }
  const cursorField = overrides.cursor ?? t.cursorCandidates[0];
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const flag = t.softDeleteCandidates.find((c) => FLAG_TYPE.test(types.get(c) ?? ''));
  return {
    mode: cursorField ? 'incremental' : 'full_refresh',
    primaryKey,
    ...(cursorField ? { cursorField } : {}),
    ...(flag ? { softDelete: { column: flag, deletedValues: [1, true, '1'] } } : {}),
  };
}

/** The source URL without its password, for the manifest's default configuration. */
function withoutPassword(url: string): string {
  if (parseSourceUrl(url).dialect === 'sqlite') return url;
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

/**
 * Writes connectors/<name>/: a manifest whose key, cursor and soft-delete column come from the
 * table as `discover` saw it, a mapping of the dataset's required fields (each `from` a column named
 * after the field, to be pointed at the real one), fixtures with the table's real columns and a
 * test running the acceptance suite.
 */
export function scaffold(options: {
  name: string;
  def: DatasetDefinition;
  table: CatalogStream;
  url: string;
  root: string;
  primaryKey?: string;
  cursor?: string;
}): { files: string[]; stream: StreamManifest & TableStream } {
  const { name, def, table } = options;
  if (!/^[a-z][a-z0-9-]{1,60}$/.test(name)) {
    throw new ConnectorConfigError(name, [{ path: '/name', message: 'must be kebab-case (a-z, 0-9, -)' }]);
  }
  const dir = path.join(options.root, name);
  if (fs.existsSync(dir))
    throw new ConnectorConfigError(name, [{ path: '', message: `${dir} already exists` }]);
  const stream: StreamManifest & TableStream = {
    table: table.name,
    dataset: def.name,
    ...propose(table, options),
    mapping: 'mapping.json',
  };
  const manifest = {
    $schema: path.relative(dir, path.join(CONNECTORS_DIR, '..', 'schemas', 'connector-manifest.schema.json')),
    name,
    version: '0.1.0',
    kind: 'sql',
    description: `Which database and table feed the ${def.name} dataset.`,
    datasets: [def.name],
    configSchema: sqlConfigSchema,
    config: { url: withoutPassword(options.url) },
    streams: [stream],
  };
  const mapping: MappingSpec = {
    dataset: def.name,
    fields: Object.fromEntries(requiredLeaves(def.schema).map((field) => [field, { from: snake(field) }])),
  };
  const acceptance = path.relative(dir, path.join(CONNECTORS_DIR, 'acceptance.js'));
  const test = `import { fileURLToPath } from 'node:url';
import { connectorAcceptance, sqliteFixtureSource } from '${acceptance.startsWith('.') ? acceptance : `./${acceptance}`}';

const root = fileURLToPath(new URL('..', import.meta.url));
connectorAcceptance({ name: '${name}', root, source: sqliteFixtureSource('${name}', root) });
`;
  const files: [string, string][] = [
    ['connector.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ['mapping.json', `${JSON.stringify(mapping, null, 2)}\n`],
    [
      path.join('fixtures', 'source.sql'),
      fixtureSql({ connector: name, columns: table.columns, stream, mapping, def }),
    ],
    [`${name}.test.ts`, test],
  ];
  fs.mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
  const written = files.map(([file, content]) => {
    const full = path.join(dir, file);
    fs.writeFileSync(full, content, { flag: 'wx' });
    return shown(full);
  });
  return { files: written, stream };
}

/** The first stream, when it reads one table: a join's or a query's fixture is written by hand. */
function tableStream(loaded: LoadedConnector): TableStream {
  const s = loaded.manifest.streams[0]!;
  if (!s.table || s.joins || s.query || Array.isArray(s.cursorField)) {
    throw new ConnectorConfigError(loaded.manifest.name, [
      {
        path: '/streams/0',
        message:
          'fixtures writes the fixture of a stream that reads one table; write the fixture of a join or a query by hand',
      },
    ]);
  }
  return { ...s, table: s.table, cursorField: s.cursorField };
}

/** Rewrites fixtures/source.sql from the table's columns and the connector's current manifest and mapping. */
export function rewriteFixtures(
  loaded: LoadedConnector,
  def: DatasetDefinition,
  table: CatalogStream,
): string {
  const stream = tableStream(loaded);
  const file = path.join(loaded.dir, 'fixtures', 'source.sql');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sql = fixtureSql({
    connector: loaded.manifest.name,
    columns: table.columns,
    stream,
    mapping: loaded.mappings[0]!,
    def,
  });
  fs.writeFileSync(file, sql);
  return shown(file);
}

type SourceOptions = { config?: string; set?: string[]; root: string };

/** `init`: discovers the table, scaffolds the connector and says what it proposed and what is next. */
export async function initCommand(
  name: string,
  opts: SourceOptions & { dataset: string; table: string; primaryKey?: string; cursor?: string },
): Promise<string[]> {
  const def = loadDatasets().get(opts.dataset);
  if (!def)
    throw new ConnectorConfigError(name, [{ path: '--dataset', message: `no dataset ${opts.dataset}` }]);
  const config = layeredConfig(
    sqlConfigSchema,
    {},
    { file: opts.config, set: opts.set },
    'source (--set url=…)',
  );
  const catalog = await sqlSource().discover(config as never);
  const table = findTable(catalog.streams, opts.table, catalog.system);
  const { files, stream } = scaffold({
    name,
    def,
    table,
    url: String(config.url),
    root: opts.root,
    primaryKey: opts.primaryKey,
    cursor: opts.cursor,
  });
  const flag = stream.softDelete ? `soft delete ${stream.softDelete.column}` : 'no soft-delete flag';
  const cursor = stream.cursorField
    ? `cursor ${stream.cursorField} (incremental)`
    : 'no cursor column (full_refresh)';
  return [
    `${table.name} in ${catalog.system}: primary key ${stream.primaryKey}, ${cursor}, ${flag} (change them in connector.json)`,
    ...files.map((f) => `created ${f}`),
    `next: point each "from" of mapping.json at a column of ${table.name} (npm run connector -- check ${name} names the missing ones),`,
    `      then npm run connector -- fixtures ${name} rewrites the fixture rows for the mapping, and npx vitest run connectors/${name}`,
  ];
}

/** `fixtures`: rewrites fixtures/source.sql from the table's columns and the current manifest and mapping. */
export async function fixturesCommand(name: string, opts: SourceOptions): Promise<string> {
  const datasets = loadDatasets();
  const loaded = loadConnector(name, datasets, opts.root);
  const config = resolveConfig(loaded, { file: opts.config, set: opts.set });
  const catalog = await sqlSource().discover(config as never);
  const table = findTable(catalog.streams, tableStream(loaded).table, catalog.system);
  const file = rewriteFixtures(loaded, datasets.get(loaded.manifest.streams[0]!.dataset)!, table);
  return `rewrote ${file}: the ${table.columns.length} columns of ${table.name}, 3 rows for the current mapping`;
}

/**
 * `discover`: the source's catalog, from a connector's configuration or, without a name, from
 * `--set url=…` alone (a source no connector reads yet). Reads the catalog only: opens no hub.
 */
export async function discoverCommand(name: string | undefined, opts: SourceOptions): Promise<Catalog> {
  if (name === undefined) {
    const config = layeredConfig(
      sqlConfigSchema,
      {},
      { file: opts.config, set: opts.set },
      'source (--set url=…)',
    );
    return sqlSource().discover(config as never);
  }
  const loaded = loadConnector(name, loadDatasets(), opts.root);
  const config = resolveConfig(loaded, { file: opts.config, set: opts.set });
  return (sourceFor(loaded.manifest.kind) as SourceConnector<Record<string, unknown>>).discover(config);
}
