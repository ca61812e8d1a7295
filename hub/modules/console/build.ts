import { bundleState, DIST_DIR, VITE_CONFIG } from './bundle-files.js';

/**
 * Builds the console with Vite into `dist/` (Vite is loaded only here, never by a running hub);
 * with `ifStale`, only when the bundle is missing or was built from other sources. Resolves to
 * whether it built.
 */
export async function buildConsoleBundle(options: { ifStale?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && bundleState(DIST_DIR) === 'current') return false;
  const { build } = await import('vite');
  await build({ configFile: VITE_CONFIG, logLevel: 'warn', mode: 'production' });
  return true;
}
