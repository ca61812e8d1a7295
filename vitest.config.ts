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
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
