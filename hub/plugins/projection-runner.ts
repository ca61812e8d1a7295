import type { CreateRunner } from './projections.js';

/**
 * The runner the hub uses by default. Until hub/projections/runner.ts is merged it runs no
 * projections, so it is caught up as soon as it starts.
 */
export const defaultRunner: CreateRunner = () => {
  let started = false;
  return {
    async start() {
      started = true;
    },
    async stop() {},
    status: async () => [],
    isCaughtUp: () => started,
  };
};
