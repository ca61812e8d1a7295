import os from 'node:os';
import { defineConfig } from 'vitest/config';

const jsonReport = process.env.LIENTHONG_TEST_REPORT;

export default defineConfig({
  test: {
    include: [
      'hub/**/*.test.ts',
      'connectors/**/*.test.ts',
      'scripts/**/*.test.ts',
      'demo/**/*.test.ts',
      'schemas/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // one test file per core: most files wait on databases, child processes and sockets, so the
    // default (cores - 1: one worker on a 2-core machine) leaves a core idle
    maxWorkers: os.availableParallelism(),
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
