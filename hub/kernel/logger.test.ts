import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, moduleLogger } from './logger.js';

/** The raw JSON lines a production logger writes (duplicate keys stay visible in the text). */
function production() {
  const lines: string[] = [];
  const root = pino(loggerOptions({ log: { level: 'info', pretty: false } }), {
    write: (line: string) => {
      lines.push(line);
    },
  });
  return { root, lines };
}

const modules = (line: string) => line.match(/"module":/g)?.length ?? 0;

describe('moduleLogger', () => {
  it('writes one module per line when parts nest (a connector run by the seed, the release in the API)', () => {
    const { root, lines } = production();
    const seed = moduleLogger(root, 'seed');
    moduleLogger(seed, 'connector', { connector: 'population-sql' }).info('synced');
    moduleLogger(moduleLogger(root, 'graphql'), 'release').info('released');
    moduleLogger(moduleLogger(root, 'eventstore'), 'eventstore', { backend: 'sqlite' }).info('opened');
    seed.info('seeded');
    expect(lines.map(modules)).toEqual([1, 1, 1, 1]);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ module: 'seed', component: 'connector', connector: 'population-sql' });
    expect(parsed[1]).toMatchObject({ module: 'graphql', component: 'release' });
    expect(parsed[2]).toMatchObject({ module: 'eventstore', backend: 'sqlite' });
    expect(parsed[3]).toMatchObject({ module: 'seed' });
  });
});
