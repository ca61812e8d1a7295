import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** tsx's public loader API (`tsx/esm/api`), as an ESM file URL a worker can import. */
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;

/**
 * Starts a worker thread on a TypeScript module (`entry`, a file URL), registering tsx's loader in
 * the worker first so it runs the same sources as the thread that starts it — under `npm start`
 * (node --import tsx), the CLIs (tsx) and vitest alike.
 */
export function startTypeScriptWorker(entry: URL | string, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(String(entry))}); })`;
  return new Worker(boot, { eval: true, workerData });
}
