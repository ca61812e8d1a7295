import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('.', import.meta.url));

describe('schemas/README.md', () => {
  it('lists every event type that has a schema, and no other', () => {
    const readme = fs.readFileSync(`${dir}/README.md`, 'utf8');
    const table = readme.slice(readme.indexOf('## Event types'));
    const listed = new Set([...table.matchAll(/^\| `([A-Za-z]+)`\s*\|/gm)].map((m) => m[1]));
    const schemas = new Set(
      fs
        .readdirSync(`${dir}/events`)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.split('.')[0]),
    );
    expect([...schemas].filter((t) => !listed.has(t))).toEqual([]);
    expect([...listed].filter((t) => !schemas.has(t!))).toEqual([]);
  });
});
