import { afterEach, beforeEach } from 'vitest';
import { tempDir } from '../../../hub/testing/temp.js';
import { openTestHub } from '../../kit/testing.js';
import type { Dialect } from '../driver.js';
import { type HouseholdSource, householdSource } from './households.js';

export interface HouseholdHub {
  source: HouseholdSource;
  tmp: ReturnType<typeof tempDir>;
  hub: Awaited<ReturnType<typeof openTestHub>>;
}

/**
 * For each test of the describe block it is called in: a fresh household source of `count`
 * citizens (changed by `prepare` first), a temporary directory and a test hub in it; all removed
 * after the test.
 */
export function householdHubPerTest(
  dialect: Dialect,
  count: number,
  prepare?: (source: HouseholdSource) => Promise<void>,
): HouseholdHub {
  const env = {} as HouseholdHub;
  beforeEach(async () => {
    env.source = await householdSource(dialect, count);
    await prepare?.(env.source);
    env.tmp = tempDir();
    env.hub = await openTestHub(env.tmp.dir);
  }, 60_000);
  afterEach(async () => {
    await env.hub?.close();
    env.tmp?.remove();
    await env.source?.drop();
  });
  return env;
}
