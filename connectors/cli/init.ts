import fs from 'node:fs';
import path from 'node:path';
import type { SchemaObject } from 'ajv/dist/2020.js';
import { ConnectorConfigError } from '../../hub/kernel/errors/index.js';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { sqlConfigSchema } from '../sql/source.js';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/\./g, '_');

/** Required leaf fields of a dataset schema, as dotted paths with their schemas. */
function requiredLeaves(schema: SchemaObject, prefix = ''): [string, SchemaObject][] {
  const props = (schema.properties ?? {}) as Record<string, SchemaObject>;
  return ((schema.required ?? []) as string[]).flatMap((name) => {
    const p = props[name]!;
    return p.type === 'object'
      ? requiredLeaves(p, `${prefix}${name}.`)
      : [[`${prefix}${name}`, p] as [string, SchemaObject]];
  });
}

function example(s: SchemaObject, row: number): string {
  if (Array.isArray(s.enum)) return String(s.enum[0]);
  if (s.format === 'date') return `1990-01-${String(row).padStart(2, '0')}`;
  const digits = typeof s.pattern === 'string' ? /^\^\[0-9\]\{(\d+)\}\$$/.exec(s.pattern) : null;
  if (digits) return String(row).padStart(Number(digits[1]), '0');
  return `Mẫu ${row}`;
}

/** Writes connectors/<name>/ with a manifest, a mapping of the dataset's required fields, a fixture and a test. */
export function scaffold(options: { name: string; dataset: string; table: string; root: string }): string[] {
  const { name, dataset, table } = options;
  if (!/^[a-z][a-z0-9-]{1,60}$/.test(name)) {
    throw new ConnectorConfigError(name, [{ path: '/name', message: 'must be kebab-case (a-z, 0-9, -)' }]);
  }
  const def = loadDatasets().get(dataset);
  if (!def) throw new ConnectorConfigError(name, [{ path: '/datasets/0', message: `no dataset ${dataset}` }]);
  const dir = path.join(options.root, name);
  if (fs.existsSync(dir))
    throw new ConnectorConfigError(name, [{ path: '', message: `${dir} already exists` }]);
  const leaves = requiredLeaves(def.schema);
  const manifest = {
    $schema: '../../schemas/connector-manifest.schema.json',
    name,
    version: '0.1.0',
    kind: 'sql',
    description: `TODO: which database and table feed the ${dataset} dataset.`,
    datasets: [dataset],
    configSchema: sqlConfigSchema,
    config: { url: `sqlite:data/sources/${name}.sqlite` },
    streams: [
      {
        table,
        dataset,
        mode: 'incremental',
        primaryKey: 'id',
        cursorField: 'updated_at',
        mapping: 'mapping.json',
      },
    ],
  };
  const mapping = {
    dataset,
    fields: Object.fromEntries(leaves.map(([field]) => [field, { from: snake(field), trim: true }])),
  };
  const columns = leaves.map(([field]) => snake(field));
  const rows = [1, 2, 3].map((i) => {
    const values = leaves.map(([, s]) => `'${example(s, i).replaceAll("'", "''")}'`);
    return `(${i}, '2025-01-0${i} 00:00:00', ${values.join(', ')})`;
  });
  const sql = [
    `CREATE TABLE ${table} (id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL, ${columns.map((c) => `${c} TEXT`).join(', ')});`,
    `INSERT INTO ${table} (id, updated_at, ${columns.join(', ')}) VALUES\n  ${rows.join(',\n  ')};`,
    '',
  ].join('\n');
  const test = `import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';

connectorAcceptance({ name: '${name}', source: sqliteFixtureSource('${name}') });
`;
  const files: [string, string][] = [
    ['connector.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ['mapping.json', `${JSON.stringify(mapping, null, 2)}\n`],
    [path.join('fixtures', 'source.sql'), sql],
    [`${name}.test.ts`, test],
  ];
  fs.mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
  return files.map(([file, content]) => {
    const full = path.join(dir, file);
    fs.writeFileSync(full, content, { flag: 'wx' });
    return path.relative(process.cwd(), full);
  });
}
