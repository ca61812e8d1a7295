import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { moduleLogger } from '../../kernel/logger.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { BUILD_COMMAND, bundleState, DIST_DIR } from './bundle-files.js';
import { consoleRoutes } from './routes.js';

/**
 * The inspector console at `/console/`, served from its built bundle. At boot it says, once, when
 * the bundle is missing or older than its sources (`npm start` builds it first; a hub started
 * another way answers 503 naming the command until it is built).
 */
export const consolePlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    await app.register(consoleRoutes, { dist: DIST_DIR });
    const state = bundleState(DIST_DIR);
    if (state !== 'current') {
      moduleLogger(host.log, 'console').warn(
        { bundle: state },
        state === 'missing'
          ? `the inspector console is not built: run ${BUILD_COMMAND}`
          : `the inspector console is older than its sources: run ${BUILD_COMMAND}`,
      );
    }
  },
  { name: 'console', fastify: '5.x' },
);
