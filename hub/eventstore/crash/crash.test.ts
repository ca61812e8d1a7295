import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp.js';
import { checkStore, runCrashTest } from './harness.js';

describe('embedded store crash safety', () => {
  it('loses and duplicates nothing across 50 SIGKILLs of concurrent writer processes', async () => {
    const tmp = tempDir();
    try {
      const report = await runCrashTest({ file: path.join(tmp.dir, 'events.db'), kills: 50, writers: 2 });
      expect(report.problems).toEqual([]);
      expect(report.acknowledgedAppends).toBeGreaterThan(50);
      expect(report.storedEvents).toBeGreaterThanOrEqual(report.acknowledgedAppends);
      // Store open + WAL recovery after each kill; process start-up time depends on the machine's load.
      expect(report.openMs.max).toBeLessThan(5000);
    } finally {
      tmp.remove();
    }
  }, 180_000);

  it('has a checker that notices a lost acknowledged event and a revision gap', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'events.db');
      const report = await runCrashTest({
        file,
        kills: 2,
        writers: 1,
        producers: 1,
        minDelayMs: 80,
        maxDelayMs: 100,
      });
      expect(report.problems).toEqual([]);
      const db = new Database(file);
      db.exec('DELETE FROM events WHERE position = (SELECT max(position) FROM events)');
      db.close();
      const acks = [{ stream: 'crash-w0p0', last: report.storedEvents - 1 }];
      const problems = checkStore(file, acks).problems.join('\n');
      expect(problems).toMatch(/acknowledged crash-w0p0@\d+ is missing/);
      expect(problems).toMatch(/stream head disagrees/);
    } finally {
      tmp.remove();
    }
  });
});
