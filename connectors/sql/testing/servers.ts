import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const PG_ADMIN_URL =
  process.env.LIENTHONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MARIADB_ADMIN_URL = process.env.LIENTHONG_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/';

/** Whether a test server answers (integration tests skip with a message when not). */
export async function serverAvailable(kind: 'postgres' | 'mariadb'): Promise<boolean> {
  try {
    if (kind === 'postgres') {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
      await c.connect();
      await c.end();
    } else {
      const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL, connectTimeout: 2000 });
      await c.end();
    }
    return true;
  } catch {
    return false;
  }
}

const withUrlDatabase = (admin: string, db: string) => {
  const u = new URL(admin);
  u.pathname = `/${db}`;
  return u.toString();
};

/**
 * Creates a fresh database and returns its URL and a drop function; on PostgreSQL, a copy of the
 * database `template` when given (nobody may be connected to it meanwhile).
 */
export async function createTempDatabase(
  kind: 'postgres' | 'mariadb',
  template?: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `lt_test_${randomBytes(5).toString('hex')}`;
  if (kind === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    } finally {
      await admin.end();
    }
    return {
      name,
      url: withUrlDatabase(PG_ADMIN_URL, name),
      async drop() {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const admin = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  return {
    name,
    url: withUrlDatabase(MARIADB_ADMIN_URL, name).replace(/^mysql:/, 'mariadb:'),
    async drop() {
      const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

/**
 * A fresh database holding a copy of `from`'s `tables`, for a test that changes its source or kills
 * its sessions while others run: PostgreSQL copies `from` as a template (nobody may be connected to
 * it meanwhile), MariaDB copies each table with its indexes.
 */
export async function copyTempDatabase(
  kind: 'postgres' | 'mariadb',
  from: string,
  tables: readonly string[],
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  if (kind === 'postgres') return createTempDatabase(kind, from);
  const db = await createTempDatabase(kind);
  const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
  try {
    for (const t of tables) {
      await c.query(`CREATE TABLE ${db.name}.${t} LIKE ${from}.${t}`);
      await c.query(`INSERT INTO ${db.name}.${t} SELECT * FROM ${from}.${t}`);
    }
  } finally {
    await c.end();
  }
  return db;
}

/**
 * Kills every other session on the database (`pg_terminate_backend` / `KILL <id>`): a mid-sync
 * connection loss. With `queryOnly`, cancels the running statements instead and leaves the
 * connections open (`pg_cancel_backend` / `KILL QUERY <id>`). Resolves with how many it hit.
 */
export async function killSessions(
  kind: 'postgres' | 'mariadb',
  database: string,
  options: { queryOnly?: boolean } = {},
): Promise<number> {
  if (kind === 'postgres') {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    const r = await c.query(
      `SELECT ${options.queryOnly ? 'pg_cancel_backend' : 'pg_terminate_backend'}(pid) FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()${options.queryOnly ? " AND state = 'active'" : ''}`,
      [database],
    );
    await c.end();
    return r.rowCount ?? 0;
  }
  const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
  const [rows] = await c.query(
    `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()${
      options.queryOnly ? " AND COMMAND = 'Query'" : ''
    }`,
    [database],
  );
  const kill = options.queryOnly ? 'KILL QUERY' : 'KILL';
  for (const r of rows as { id: number }[]) await c.query(`${kill} ${Number(r.id)}`).catch(() => undefined);
  await c.end();
  return (rows as unknown[]).length;
}
