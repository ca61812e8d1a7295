/**
 * Test-only preload (`NODE_OPTIONS=--import <this file>`, with LIENTHONG_LOADS_FILE set): appends
 * the URL of every module the process resolves, ESM and CommonJS, one per line, so a test can
 * show what a process loaded. Never part of the product.
 */
import fs from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.LIENTHONG_LOADS_FILE;
if (file) {
  const record = (url) => fs.appendFileSync(file, `${url}\n`);
  register(
    `data:text/javascript,${encodeURIComponent(`
      import fs from 'node:fs';
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        fs.appendFileSync(${JSON.stringify(file)}, result.url + '\\n');
        return result;
      }`)}`,
  );
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const resolved = resolveFilename.apply(this, args);
    record(resolved.startsWith('/') ? pathToFileURL(resolved).href : resolved);
    return resolved;
  };
}
