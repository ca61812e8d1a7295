import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteEventStore } from '../eventstore/sqlite.js';
import { silentLogger, tempDir } from './temp.js';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point of the repository (`hub/cli.ts`, `connectors/cli/index.ts`, …) with
 * tsx from the repository root, under exactly the environment `env`; resolves with its exit code
 * and output whether it succeeds or fails.
 */
export async function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as ScriptResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `npm run hub -- …` as a script, with no data directory from the environment (pass `-d`). */
export const runHubCli = (...args: string[]) =>
  runScript('hub/cli.ts', args, { ...process.env, LIENTHONG_DATA_DIR: '' });

export interface CliDataDir {
  dir: string;
  /** Writes `text` to `<dir>/<name>` and returns its path. */
  file(name: string, text: string): string;
  /** Creates the empty embedded store commands open (`<dir>/events.db`). */
  createStore(): Promise<void>;
  remove(): void;
}

/** A temporary data directory for CLI runs (`-d <dir>`); call `createStore()` before commands that open the store. */
export function cliDataDir(): CliDataDir {
  const temp = tempDir();
  return {
    dir: temp.dir,
    file(name, text) {
      fs.writeFileSync(path.join(temp.dir, name), text);
      return path.join(temp.dir, name);
    },
    async createStore() {
      const file = path.join(temp.dir, 'events.db');
      await (await openSqliteEventStore({ file, logger: silentLogger() })).close();
    },
    remove: temp.remove,
  };
}
