import type { CreateRunner } from './projections.js';

/**
 * The runner the hub uses by default. Until hub/projections/runner.ts is merged it runs no
 * projections, so it is caught up as soon as it starts.
 */
export const defaultRunner: CreateRunner = () => ({
  start() {},
  async stop() {},
  status: () => [],
  whenCaughtUp: async () => {},
});
