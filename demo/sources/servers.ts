import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { SourceTargetError, SourceUnavailableError } from '../../hub/kernel/errors/index.js';
import type { SourceKind } from './ddl.js';

/** Where a source database lives: `postgres://…/db`, `mysql://…/db`, or a SQLite file path. */
export interface SourceTarget {
  kind: SourceKind;
  url: string;
}

/** Admin URLs of the local servers used by tests and benchmarks. */
export function localServers(env: NodeJS.ProcessEnv = process.env) {
  return {
    postgres: env.LIENTHONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    mariadb: env.LIENTHONG_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test',
  };
}

export const LOCAL_SERVERS: { postgres: string; mariadb: string } = localServers();

const CONNECT_TIMEOUT_MS = 3000;

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(target: SourceTarget): string {
  const name = decodeURIComponent(new URL(target.url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new SourceTargetError(target.kind, 'the URL must name a database (letters, digits, _)');
  }
  return name;
}

export async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (err) {
    throw new SourceUnavailableError('postgres', (err as Error).message);
  }
  return client;
}

export async function connectMariadb(url: string, extra: mysql.ConnectionOptions = {}) {
  try {
    return await mysql.createConnection({
      uri: url,
      connectTimeout: CONNECT_TIMEOUT_MS,
      charset: 'utf8mb4_unicode_ci',
      multipleStatements: true,
      dateStrings: true,
      ...extra,
    });
  } catch (err) {
    throw new SourceUnavailableError('mariadb', (err as Error).message);
  }
}

/** Whether the local server of this kind answers (SQLite always does). */
export async function serverAvailable(kind: SourceKind, servers = LOCAL_SERVERS): Promise<boolean> {
  try {
    if (kind === 'postgres') await (await connectPostgres(servers.postgres)).end();
    if (kind === 'mariadb') await (await connectMariadb(servers.mariadb)).end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a uniquely named database on the local server (or a SQLite file in a temporary folder),
 * runs `fn` with it and drops it afterwards, whether `fn` succeeds or not.
 */
export async function withTempDatabase<T>(
  kind: SourceKind,
  fn: (target: SourceTarget) => Promise<T>,
  servers = LOCAL_SERVERS,
): Promise<T> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lt-src-'));
    try {
      return await fn({ kind, url: path.join(dir, 'source.sqlite') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `lt_src_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = servers[kind];
  await adminExec(kind, admin, [createDatabaseSql(kind, name)]);
  try {
    return await fn({ kind, url: withDatabase(admin, name) });
  } finally {
    await adminExec(kind, admin, [
      kind === 'postgres'
        ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
        : `DROP DATABASE IF EXISTS ${name}`,
    ]);
  }
}

/** Creates the database on the local server unless it exists; returns its URL. */
export async function ensureDatabase(
  kind: 'postgres' | 'mariadb',
  name: string,
  servers = LOCAL_SERVERS,
): Promise<string> {
  if (!(await listDatabases(kind, servers)).includes(name)) {
    await adminExec(kind, servers[kind], [createDatabaseSql(kind, name)]);
  }
  return withDatabase(servers[kind], name);
}

const createDatabaseSql = (kind: 'postgres' | 'mariadb', name: string) =>
  kind === 'postgres'
    ? `CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`
    : `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** Names of the databases on the local server (for checking that temporary ones are gone). */
export async function listDatabases(
  kind: 'postgres' | 'mariadb',
  servers = LOCAL_SERVERS,
): Promise<string[]> {
  if (kind === 'postgres') {
    const client = await connectPostgres(servers.postgres);
    try {
      return (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map(
        (r) => r.datname,
      );
    } finally {
      await client.end();
    }
  }
  const conn = await connectMariadb(servers.mariadb);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW DATABASES');
    return rows.map((r) => String(r.Database));
  } finally {
    await conn.end();
  }
}

async function adminExec(kind: 'postgres' | 'mariadb', url: string, statements: string[]) {
  if (kind === 'postgres') {
    const client = await connectPostgres(url);
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await connectMariadb(url);
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end();
  }
}
