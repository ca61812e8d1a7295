import { bundleState, DIST_DIR, VITE_CONFIG } from './bundle-files.js';

/**
 * Builds the console with Vite into `dist/`, for production whatever the process's NODE_ENV (Vite is
 * loaded only here, never by a running hub);
 * with `ifStale`, only when the bundle is missing or was built from other sources. Resolves to
 * whether it built.
 */
export async function buildConsoleBundle(options: { ifStale?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && bundleState(DIST_DIR) === 'current') return false;
  const { build } = await import('vite');
  // Vite and the React plugin build for development when NODE_ENV says so (`test` under vitest)
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: VITE_CONFIG, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}
