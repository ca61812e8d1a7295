import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..');
const depcruise = path.join(repoRoot, 'node_modules', '.bin', 'depcruise');

const configs = ['.dependency-cruiser.cjs', '.dependency-cruiser-folders.cjs'];

/**
 * The dependency rules (`.dependency-cruiser.cjs` and the folder rule in
 * `.dependency-cruiser-folders.cjs`, both run by `npm run deps`) applied to a small tree that breaks
 * each of them once: proves every rule binds, so a clean `npm run deps` on the real tree means something.
 */
describe('dependency rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lt-deps-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const stubPackage = (name: string) => {
    write(`node_modules/${name}/package.json`, JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
    write(`node_modules/${name}/index.js`, 'module.exports = {};\n');
  };

  it('reports each broken rule and exits non-zero', async () => {
    for (const config of configs) fs.copyFileSync(path.join(repoRoot, config), path.join(dir, config));
    fs.copyFileSync(path.join(repoRoot, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    write(
      'package.json',
      JSON.stringify({
        name: 'probe',
        type: 'module',
        dependencies: { 'better-sqlite3': '1', fastify: '1' },
      }),
    );
    stubPackage('better-sqlite3');
    stubPackage('fastify');
    write('hub/kernel/errors.ts', "import { helper } from '../http/helper.js';\nexport const e = helper;\n");
    write('hub/http/helper.ts', 'export const helper = 1;\n');
    write('hub/modules/a/index.ts', "export * from './decider.js';\n");
    write(
      'hub/modules/a/decider.ts',
      "import fastify from 'fastify';\nimport { b } from '../b/queries.js';\nexport const a = [fastify, b];\n",
    );
    write('hub/modules/b/index.ts', "export * from './queries.js';\n");
    write('hub/modules/b/queries.ts', "import Database from 'better-sqlite3';\nexport const b = Database;\n");
    write(
      'hub/app.ts',
      "import { seed } from '../demo/seed.js';\nimport { a } from './modules/a/decider.js';\nexport const app = [seed, a];\n",
    );
    write('demo/seed.ts', 'export const seed = 1;\n');
    write('hub/cycle-one.ts', "import { two } from './cycle-two.js';\nexport const one = () => two;\n");
    write('hub/cycle-two.ts', "import { one } from './cycle-one.js';\nexport const two = () => one;\n");

    // Two folders importing each other through different files: no file cycle, a folder cycle.
    write('hub/left/uses-right.ts', "import { right } from '../right/plain.js';\nexport const a = right;\n");
    write('hub/left/plain.ts', 'export const left = 1;\n');
    write('hub/right/plain.ts', 'export const right = 1;\n');
    write('hub/right/uses-left.ts', "import { left } from '../left/plain.js';\nexport const b = left;\n");
    // The same shape through tests only: tests are left out of the folder rule.
    write('hub/up/plain.ts', 'export const up = 1;\n');
    write('hub/up/down.test.ts', "import { down } from '../down/plain.js';\nexport const a = down;\n");
    write('hub/down/plain.ts', 'export const down = 1;\n');
    write('hub/down/up.test.ts', "import { up } from '../up/plain.js';\nexport const b = up;\n");

    const cruise = (config: string) =>
      run(depcruise, ['hub', 'demo', '--config', config, '--output-type', 'err'], { cwd: dir }).then(
        () => undefined,
        (err: { code: number; stdout: string }) => err,
      );
    const [failure, folderFailure] = await Promise.all(configs.map(cruise));
    expect(failure, 'depcruise must fail on the broken tree').toBeDefined();
    expect(folderFailure, 'the folder rule must fail on the broken tree').toBeDefined();
    const folders = folderFailure!.stdout;
    expect(folders).toMatch(/no-folder-cycles: hub\/(left|right) →\s+hub\/(left|right) →\s+hub\/\1\b/);
    expect(folders).not.toMatch(/hub\/(up|down)\b/);
    const out = failure!.stdout;
    expect(out, 'no file cycle between hub/left and hub/right').not.toMatch(/no-circular: hub\/(left|right)/);
    expect(out).toMatch(/kernel-is-self-contained: hub\/kernel\/errors\.ts → hub\/http\/helper\.ts/);
    expect(out).toMatch(
      /domain-imports-only-the-kernel: hub\/modules\/a\/decider\.ts → hub\/modules\/b\/queries\.ts/,
    );
    expect(out).toMatch(/domain-has-no-infrastructure: hub\/modules\/a\/decider\.ts → node_modules\/fastify/);
    expect(out).toMatch(/modules-through-their-entry: hub\/app\.ts → hub\/modules\/a\/decider\.ts/);
    expect(out).toMatch(/hub-stands-alone: hub\/app\.ts → demo\/seed\.ts/);
    expect(out).toMatch(
      /backend-types-stay-in-infrastructure: hub\/modules\/b\/queries\.ts → node_modules\/better-sqlite3/,
    );
    expect(out).toMatch(/no-circular: hub\/cycle-(one|two)\.ts/);
  }, 60_000);

  it('pass on the project itself', async () => {
    for (const config of configs) {
      const { stdout } = await run(
        depcruise,
        ['hub', 'connectors', 'demo', 'scripts', '--config', config, '--output-type', 'err'],
        { cwd: repoRoot },
      );
      expect(stdout, config).toMatch(/no dependency violations found/);
    }
  }, 120_000);
});
