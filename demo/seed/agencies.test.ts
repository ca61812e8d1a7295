import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openSqliteEventStore } from '../../hub/eventstore/sqlite.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { agenciesDataset, DEMO_AGENCIES_FILE } from './agencies.js';
import { seedDemoData } from './demo.js';

const temp = tempDir();
afterAll(() => temp.remove());

it('gives a data directory seeded before certificates existed only the updates that add them', async () => {
  const raw = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
  const store = withValidation(raw, createEventValidator());
  const seed = (file: string) =>
    seedDemoData({ store, logger: silentLogger(), datasets: [agenciesDataset({ dataDir: temp.dir, file })] });
  const current = fs.readFileSync(DEMO_AGENCIES_FILE, 'utf8');
  const before = path.join(temp.dir, 'agencies-before.yaml');
  fs.writeFileSync(before, current.replaceAll('    x509: demo\n', ''));
  const first = await seed(before);

  const withCertificates = (current.match(/ {4}x509: demo\n/g) ?? []).length;
  expect(withCertificates).toBeGreaterThan(10);
  expect(await seed(DEMO_AGENCIES_FILE)).toEqual({
    appended: withCertificates,
    alreadyPresent: first.appended,
  });
  const updates = (await store.readAll()).filter((e) => e.type === 'AgencyUpdated');
  expect(updates).toHaveLength(withCertificates);
  expect(updates.every((e) => (e.data as { certificates?: string[] }).certificates?.length === 1)).toBe(true);
  await store.close();
});
