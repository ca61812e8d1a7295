import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateOneStop, ONE_STOP_MIX, type OneStopOptions } from './one-stop.js';
import { withTempDatabase } from './servers.js';

type Action = { dossierid: number; dossierstatus: string };

/** The history rows generated into a temporary SQLite file with these options. */
const history = (options: Omit<OneStopOptions, 'driver' | 'connection'>) =>
  withTempDatabase('sqlite', async ({ url }) => {
    await generateOneStop({ driver: 'sqlite', connection: url, ...options });
    const db = new Database(url, { readonly: true });
    try {
      return db.prepare('SELECT * FROM opencps_dossieraction ORDER BY dossieractionid').all() as Action[];
    } finally {
      db.close();
    }
  });

/** Dossiers by how many supplement requests (`waiting` rows) their history has. */
const byRequests = (rows: Action[]) => {
  const waiting = new Map<number, number>();
  for (const r of rows)
    if (r.dossierstatus === 'waiting') waiting.set(r.dossierid, (waiting.get(r.dossierid) ?? 0) + 1);
  const counts = [...waiting.values()];
  return { once: counts.filter((n) => n === 1).length, twice: counts.filter((n) => n === 2).length };
};

describe('one-stop generator mix', () => {
  it('defaults to ONE_STOP_MIX: papers asked for once at most', async () => {
    const options = { dossiers: 800, seed: 5, to: '2026-06-30' };
    const rows = await history(options);
    expect(await history({ ...options, mix: { ...ONE_STOP_MIX } })).toEqual(rows);
    const requests = byRequests(rows);
    expect(requests.once).toBeGreaterThan(0);
    expect(requests.twice).toBe(0);
  });

  it('asks some dossiers for papers twice with supplementAgain, deterministically by seed', async () => {
    const options = {
      dossiers: 800,
      seed: 5,
      to: '2026-06-30',
      mix: { supplement: 0.5, supplementAgain: 0.5 },
    };
    const rows = await history(options);
    expect(await history(options)).toEqual(rows);
    const requests = byRequests(rows);
    expect(requests.twice).toBeGreaterThan(50);
    expect(requests.once).toBeGreaterThan(50);
    // each request is followed by the supply (processing) before anything else; a dossier's rows are consecutive
    rows.forEach((r, i) => {
      const next = rows[i + 1];
      if (r.dossierstatus === 'waiting' && next?.dossierid === r.dossierid)
        expect(next.dossierstatus).toBe('processing');
    });
  });
});
