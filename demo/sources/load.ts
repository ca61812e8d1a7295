import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { from as copyFrom } from 'pg-copy-streams';
import { businessRows } from './business.js';
import { civilStatusRows } from './civil-status.js';
import { indexesDdl, SOURCE_TABLES, type SourceDataset, type SourceTable, tablesDdl } from './ddl.js';
import { drivingLicenceRows } from './driving-licences.js';
import { type Geography, loadGeography } from './geography.js';
import { judicialRecordRows } from './judicial-records.js';
import type { TableRow } from './lives.js';
import { parcelRows } from './parcels.js';
import { populationHouseholds } from './population.js';
import { connectMariadb, connectPostgres, databaseOf, type SourceTarget } from './servers.js';
import { socialInsuranceRows } from './social-insurance.js';

export interface CreateSourceOptions {
  /**
   * Rows of the dataset's main table for the population, the business registry and land parcels
   * (citizens, enterprises, parcels); for the civil-status, social-insurance, judicial-record and
   * driving-licence databases, the citizens of the population they are drawn from.
   */
  rows: number;
  seed?: number;
  geography?: Geography;
  onProgress?: (done: number, total: number) => void;
}

export interface CreateSourceResult {
  tables: string[];
  /** Rows written to the main table. */
  rows: number;
  /** Rows written to every table. */
  rowsByTable: Record<string, number>;
}

type Row = object;
const field = (row: Row, name: string) => (row as Record<string, unknown>)[name];

const BATCH_ROWS = 20_000;
/** Generation is synchronous: let socket I/O of the batches in flight progress this often. */
const YIELD_EVERY = 2_000;

/** Keeps up to `limit` batch writes in flight while the next batches are generated. */
export class WritePipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit: number) {}

  async add(write: Promise<void>, onDone: () => void): Promise<void> {
    const tracked: Promise<void> = write.then(onDone).catch((err) => {
      this.failure ??= err;
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.check();
  }

  async yield(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.check();
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.check();
  }

  private check() {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Every row of the dataset, main-table rows flagged (households come before their members). */
function* datasetRows(
  dataset: SourceDataset,
  opts: { count: number; seed?: number; geography: Geography },
): Generator<TableRow> {
  switch (dataset) {
    case 'population':
      for (const { household, members } of populationHouseholds(opts)) {
        yield { table: 'ho_gia_dinh', row: household, main: false };
        for (const m of members) yield { table: 'cong_dan', row: m, main: true };
      }
      return;
    case 'civil-status':
      return yield* civilStatusRows(opts);
    case 'social-insurance':
      return yield* socialInsuranceRows(opts);
    case 'judicial-records':
      return yield* judicialRecordRows(opts);
    case 'driving-licences':
      return yield* drivingLicenceRows(opts);
    case 'business-registry':
      for (const row of businessRows(opts)) yield { table: 'doanh_nghiep', row, main: true };
      return;
    case 'land-parcels':
      for (const row of parcelRows(opts)) yield { table: 'thua_dat', row, main: true };
  }
}

/**
 * Datasets drawn from a population: their `rows` option counts the citizens of that population, so
 * their main table holds fewer rows (people without a record there) or about as many.
 */
export const DRAWN_FROM_POPULATION: ReadonlySet<SourceDataset> = new Set([
  'civil-status',
  'social-insurance',
  'judicial-records',
  'driving-licences',
]);

/** A bulk writer for one kind of database. */
export interface Sink {
  /** Batches it can write at once (one connection each). */
  writers: number;
  exec(sql: string): Promise<void>;
  write(table: SourceTable, rows: Row[]): Promise<void>;
  finish(dataset: SourceDataset): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the dataset's tables (dropping old ones) and fills them: COPY on PostgreSQL, LOAD DATA
 * LOCAL INFILE on MariaDB (batches on two connections while the next batch is generated), one
 * transaction on SQLite. Unique and secondary indexes are built after the load.
 */
export async function createSourceDatabase(
  target: SourceTarget,
  dataset: SourceDataset,
  opts: CreateSourceOptions,
): Promise<CreateSourceResult> {
  const tables = SOURCE_TABLES[dataset];
  const byName = new Map(tables.map((t) => [t.name, t]));
  const geography = opts.geography ?? loadGeography();
  const sink = await openSink(target);
  const counts: Record<string, number> = Object.fromEntries(tables.map((t) => [t.name, 0]));
  try {
    await sink.exec(tablesDdl(target.kind, dataset));
    const writes = new WritePipeline(sink.writers);
    const pending = new Map<string, Row[]>(tables.map((t) => [t.name, []]));
    let done = 0;
    opts.onProgress?.(0, opts.rows);
    for (const { table, row, main } of datasetRows(dataset, {
      count: opts.rows,
      seed: opts.seed,
      geography,
    })) {
      const batch = pending.get(table)!;
      batch.push(row);
      counts[table]! += 1;
      if (main && ++done % YIELD_EVERY === 0) await writes.yield();
      if (batch.length >= BATCH_ROWS) {
        const progress = done;
        await writes.add(sink.write(byName.get(table)!, batch.splice(0)), () =>
          opts.onProgress?.(progress, opts.rows),
        );
      }
    }
    for (const [table, batch] of pending) {
      if (batch.length > 0) await writes.add(sink.write(byName.get(table)!, batch), () => {});
    }
    await writes.drain();
    await sink.exec(indexesDdl(target.kind, dataset));
    await sink.finish(dataset);
    opts.onProgress?.(DRAWN_FROM_POPULATION.has(dataset) ? opts.rows : done, opts.rows);
    return { tables: tables.map((t) => t.name), rows: done, rowsByTable: counts };
  } finally {
    await sink.close();
  }
}

/** PostgreSQL COPY text format and MariaDB LOAD DATA defaults: tab-separated, backslash escapes, \N for NULL. */
export function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  return String(value).replace(/[\\\t\n\r]/g, (ch) => TSV_ESCAPES[ch]!);
}

const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function toTsv(table: SourceTable, rows: Row[]): string {
  const names = table.columns.map((c) => c.name);
  let out = '';
  for (const row of rows) out += `${names.map((n) => tsvField(field(row, n))).join('\t')}\n`;
  return out;
}

export async function openSink(target: SourceTarget): Promise<Sink> {
  if (target.kind === 'sqlite') return sqliteSink(target.url);
  databaseOf(target);
  return target.kind === 'postgres' ? postgresSink(target.url) : mariadbSink(target.url);
}

/** A fixed set of connections handed out one batch at a time. */
class Lanes<C> {
  private readonly waiting: ((c: C) => void)[] = [];
  constructor(private readonly idle: C[]) {}

  async use<T>(fn: (c: C) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? (await new Promise<C>((resolve) => this.waiting.push(resolve)));
    try {
      return await fn(conn);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
    }
  }
}

const WRITERS = 2;

async function postgresSink(url: string): Promise<Sink> {
  const clients = await Promise.all(Array.from({ length: WRITERS }, () => connectPostgres(url)));
  const [main] = clients;
  await main!.query("SET maintenance_work_mem = '256MB'");
  for (const c of clients) await c.query('SET synchronous_commit = off');
  const lanes = new Lanes([...clients]);
  return {
    writers: WRITERS,
    exec: async (sql) => void (await main!.query(sql)),
    write: (table, rows) =>
      lanes.use(async (client) => {
        const columns = table.columns.map((c) => c.name).join(', ');
        const copy = client.query(copyFrom(`COPY ${table.name} (${columns}) FROM STDIN`));
        await pipeline(Readable.from([toTsv(table, rows)]), copy);
      }),
    async finish(dataset) {
      for (const t of SOURCE_TABLES[dataset]) {
        if (t.key === 'id') {
          await main!.query(
            `SELECT setval(pg_get_serial_sequence('${t.name}', 'id'), (SELECT max(id) FROM ${t.name}))`,
          );
        }
        await main!.query(`ANALYZE ${t.name}`);
      }
    },
    close: async () => void (await Promise.all(clients.map((c) => c.end()))),
  };
}

async function mariadbSink(url: string): Promise<Sink> {
  const lanes = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const lane = {
        data: Buffer.alloc(0),
        conn: undefined as unknown as Awaited<ReturnType<typeof connectMariadb>>,
      };
      lane.conn = await connectMariadb(url, {
        infileStreamFactory: () => Readable.from(chunks(lane.data, 1 << 20)),
      });
      return lane;
    }),
  );
  const main = lanes[0]!.conn;
  const pool = new Lanes([...lanes]);
  return {
    writers: WRITERS,
    exec: async (sql) => void (await main.query(sql)),
    write: (table, rows) =>
      pool.use(async (lane) => {
        lane.data = Buffer.from(toTsv(table, rows));
        const columns = table.columns.map((c) => c.name).join(', ');
        try {
          await lane.conn.query(
            `LOAD DATA LOCAL INFILE '${table.name}.tsv' INTO TABLE ${table.name} CHARACTER SET utf8mb4 (${columns})`,
          );
        } finally {
          lane.data = Buffer.alloc(0);
        }
      }),
    async finish(dataset) {
      for (const t of SOURCE_TABLES[dataset]) await main.query(`ANALYZE TABLE ${t.name}`);
    },
    close: async () => void (await Promise.all(lanes.map((l) => l.conn.end()))),
  };
}

function* chunks(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

function sqliteSink(file: string): Sink {
  const db = new Database(file);
  const inserts = new Map<string, Database.Statement>();
  return {
    writers: 1,
    exec: async (sql) => void db.exec(sql),
    async write(table, rows) {
      let insert = inserts.get(table.name);
      if (!insert) {
        const names = table.columns.map((c) => c.name);
        insert = db.prepare(
          `INSERT INTO ${table.name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        );
        inserts.set(table.name, insert);
      }
      const names = table.columns.map((c) => c.name);
      const run = insert;
      db.transaction(() => {
        for (const row of rows) run.run(names.map((n) => sqliteValue(field(row, n))));
      })();
    },
    async finish() {
      db.exec('ANALYZE');
    },
    close: async () => void db.close(),
  };
}

const sqliteValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null));
