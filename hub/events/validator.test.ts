import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventValidationError, SchemaLoadError, UnknownEventTypeError } from '../kernel/errors/index.js';
import type { EventData } from '../kernel/event-store.js';
import { buildMetadata } from '../kernel/metadata.js';
import { createEventValidator, DEFAULT_SCHEMAS_DIR } from './validator.js';

const repoRoot = path.resolve(DEFAULT_SCHEMAS_DIR, '..');

function validEvent(): EventData {
  return {
    id: '7502015d-e889-5266-b1ca-a3efa42271cf',
    type: 'AdministrativeUnitEstablished',
    data: {
      unitId: 'commune.00004.20080101',
      code: '00004',
      level: 'commune',
      kind: 'Phường',
      name: 'Phường Trúc Bạch',
      parentUnitId: 'district.001.20080101',
      validFrom: '2008-01-01',
    },
    metadata: buildMetadata({
      occurredAt: '2008-01-01T00:00:00+07:00',
      actor: { kind: 'system', id: 'admin-units-import' },
      correlationId: 'run-1',
    }),
  };
}

function issuesOf(event: unknown, validator = createEventValidator()) {
  try {
    validator.validate(event as EventData);
  } catch (err) {
    if (err instanceof EventValidationError) return { type: err.eventType, issues: err.issues };
    throw err;
  }
  throw new Error('expected the event to be rejected');
}

/** Every `events.ts` under hub/, connectors/ and demo/ (the convention for declaring a module's event types). */
function eventModules(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.name === 'events.ts') found.push(full);
    }
  };
  walk(path.join(repoRoot, 'hub'));
  walk(path.join(repoRoot, 'connectors'));
  walk(path.join(repoRoot, 'demo'));
  return found;
}

describe('event schemas', () => {
  it('compile in strict mode, one type per file name', () => {
    const files = fs.readdirSync(path.join(DEFAULT_SCHEMAS_DIR, 'events')).filter((f) => f.endsWith('.json'));
    const types = new Set(files.map((f) => f.split('.')[0]));
    expect(files.length).toBeGreaterThan(0);
    expect(createEventValidator().knownTypes()).toEqual([...types].sort());
  });

  it('exist for every event type declared in code, and only for those', async () => {
    const modules = eventModules();
    expect(modules.length).toBeGreaterThanOrEqual(2);
    const declared = new Set<string>();
    for (const file of modules) {
      const mod = (await import(pathToFileURL(file).href)) as { eventTypes?: readonly string[] };
      expect(mod.eventTypes, `${path.relative(repoRoot, file)} exports eventTypes`).toBeInstanceOf(Array);
      for (const type of mod.eventTypes ?? []) declared.add(type);
    }
    expect(createEventValidator().knownTypes()).toEqual([...declared].sort());
  });
});

describe('createEventValidator', () => {
  it('accepts a valid event', () => {
    expect(() => createEventValidator().validate(validEvent())).not.toThrow();
  });

  it('names the event type and the JSON path of each failure', () => {
    const event = validEvent();
    const data = event.data as Record<string, unknown>;
    data.code = 4;
    delete data.name;
    data.validFrom = '2008-13-01';
    data.population = 1000;
    expect(issuesOf(event)).toEqual({
      type: 'AdministrativeUnitEstablished',
      issues: expect.arrayContaining([
        { path: '/data/code', message: 'must be string' },
        { path: '/data/name', message: 'is required' },
        { path: '/data/validFrom', message: 'must match format "date"' },
        { path: '/data/population', message: 'is not allowed' },
      ]),
    });
  });

  it('checks the envelope and metadata', () => {
    const event = validEvent() as unknown as Record<string, Record<string, unknown>>;
    event.id = 'not-a-uuid' as never;
    (event.metadata!.actor as Record<string, unknown>).kind = 'robot';
    delete event.metadata!.correlationId;
    event.metadata!.occurredAt = 'yesterday';
    const { issues } = issuesOf(event);
    expect(issues.map((i) => i.path).sort()).toEqual([
      '/id',
      '/metadata/actor/kind',
      '/metadata/correlationId',
      '/metadata/occurredAt',
    ]);
  });

  it('allows extra metadata keys but not extra envelope keys', () => {
    const event = { ...validEvent(), extra: true };
    event.metadata.traceId = 'abc';
    expect(issuesOf(event).issues).toEqual([{ path: '/extra', message: 'is not allowed' }]);
  });

  it('rejects an unknown event type', () => {
    const event = { ...validEvent(), type: 'CitizenTeleported' };
    expect(() => createEventValidator().validate(event)).toThrow(UnknownEventTypeError);
    expect(() => createEventValidator().validate(event)).toThrow(/CitizenTeleported/);
  });

  it('rejects a schema version it has no schema for', () => {
    const event = validEvent();
    event.metadata.schemaVersion = 2;
    expect(issuesOf(event).issues).toEqual([
      { path: '/metadata/schemaVersion', message: 'no schema for version 2 (known: 1)' },
    ]);
  });
});

describe('versioned schemas', () => {
  function schemasWith(files: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lt-'));
    fs.cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
    for (const [name, schema] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, 'events', name), JSON.stringify(schema));
    }
    return dir;
  }

  it('validates data against the schema of metadata.schemaVersion', () => {
    const v2 = JSON.parse(
      fs.readFileSync(
        path.join(DEFAULT_SCHEMAS_DIR, 'events/AdministrativeUnitEstablished.schema.json'),
        'utf8',
      ),
    );
    v2.$id = 'https://lienthong.gov.vn/schemas/events/AdministrativeUnitEstablished.v2.schema.json';
    v2.required.push('englishName');
    const validator = createEventValidator({
      schemasDir: schemasWith({ 'AdministrativeUnitEstablished.v2.schema.json': v2 }),
    });
    expect(validator.versions('AdministrativeUnitEstablished')).toEqual([1, 2]);
    const event = validEvent();
    expect(() => validator.validate(event)).not.toThrow();
    event.metadata.schemaVersion = 2;
    expect(issuesOf(event, validator).issues).toEqual([
      { path: '/data/englishName', message: 'is required' },
    ]);
  });

  it('refuses at startup a schema with a wrong $id, an unknown keyword or a bad file name', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' };
    const id = 'https://lienthong.gov.vn/schemas/events/Probe.schema.json';
    expect(() => createEventValidator({ schemasDir: schemasWith({ 'Probe.schema.json': schema }) })).toThrow(
      SchemaLoadError,
    );
    expect(() =>
      createEventValidator({
        schemasDir: schemasWith({ 'Probe.schema.json': { ...schema, $id: id, frob: 1 } }),
      }),
    ).toThrow(/unknown keyword: "frob"/);
    expect(() => createEventValidator({ schemasDir: schemasWith({ 'probe.json': schema }) })).toThrow(
      /expected <Type>\[\.v<n>\]\.schema\.json/,
    );
    expect(
      createEventValidator({
        schemasDir: schemasWith({ 'Probe.schema.json': { ...schema, $id: id } }),
      }).knownTypes(),
    ).toContain('Probe');
  });
});
