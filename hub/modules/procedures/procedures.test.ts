import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proceduresDataset } from '../../../demo/seed/procedures.js';
import type { SqliteEventStore } from '../../eventstore/sqlite.js';
import { newCommandMeta } from '../../kernel/decider/index.js';
import { DeclarationInvalidError, ProcedureStateError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { BIRTH, DEATH, procedureVariant } from '../../testing/procedures.js';
import { rebuild, seededStore } from '../../testing/seeded-store.js';
import { tempDir } from '../../testing/temp.js';
import { assertDeclaration, validateDeclaration } from './eform.js';
import { procedureFilesIn, readProcedureFiles } from './files.js';
import { prefillPlan } from './plan.js';
import { proceduresProjection } from './projection.js';
import { catalogueLookup, getProcedure, listProcedures, procedureVersions } from './queries.js';
import { checkLinks, publishProcedures, withdrawProcedure } from './service.js';

const temp = tempDir();
let raw: SqliteEventStore;
let store: EventStore;
let db: Database.Database;
const actor = { kind: 'operator' as const, id: 'test' };
const project = () => rebuild(db, store, proceduresProjection);
const read = (...files: string[]) => {
  const { procedures, issues } = readProcedureFiles(files);
  expect(issues).toEqual([]);
  return procedures;
};

beforeAll(async () => {
  ({ raw, store } = await seededStore(temp.dir, [proceduresDataset()]));
  db = new Database(path.join(temp.dir, 'readmodels.db'));
  await project();
});
afterAll(async () => {
  db.close();
  await raw.close();
  temp.remove();
});

describe('the catalogue in the store', () => {
  it('holds the seeded procedures, one stream each, as version 1', async () => {
    const all = listProcedures(db);
    expect(all.length).toBe(procedureFilesIn().length);
    expect(all.every((p) => p.version === 1 && p.status === 'published')).toBe(true);
    expect(listProcedures(db, { field: 'Hộ tịch', level: 'commune' }).map((p) => p.code)).toEqual([
      '1.000656',
      '1.000894',
      '1.001193',
      '1.004873',
    ]);
    expect(listProcedures(db, { serviceLevel: 'partly-online' }).map((p) => p.code)).toEqual([
      '1.001731',
      '1.004222',
      '1.013978',
    ]);
    const events = await store.readStream('procedure-1.001193');
    expect(events.map((e) => [e.type, (e.data as { version: number }).version])).toEqual([
      ['ProcedurePublished', 1],
    ]);
    expect(getProcedure(db, '1.001193')).toMatchObject({
      name: 'Đăng ký khai sinh',
      sourceEventId: events[0]!.id,
    });
  });

  it('loads unchanged files again without appending anything', async () => {
    const before = (await store.info()).lastPosition;
    const outcomes = await publishProcedures(store, read(...procedureFilesIn()), { actor });
    expect(outcomes.every((o) => o.changes.length === 0)).toBe(true);
    expect((await store.info()).lastPosition).toBe(before);
  });

  it('publishes the next version when the content changes, keeping every version', async () => {
    const changed = procedureVariant(temp.dir, DEATH, (t) =>
      t.replace('amount: 1\n  unit', 'amount: 2\n  unit'),
    );
    expect((await publishProcedures(store, read(changed), { actor }))[0]!.changes).toEqual(['published v2']);
    expect((await publishProcedures(store, read(changed), { actor }))[0]!.changes).toEqual([]);
    await project();
    expect(getProcedure(db, '1.000656')).toMatchObject({ version: 2, processingTime: { amount: 2 } });
    expect(getProcedure(db, '1.000656', 1)).toMatchObject({ version: 1, processingTime: { amount: 1 } });
    expect(getProcedure(db, '1.000656', 3)).toBeUndefined();
    const versions = procedureVersions(db, '1.000656');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.contentHash).not.toBe(versions[1]!.contentHash);
  });

  it('withdraws a procedure: gone from the catalogue, its versions kept, never published again', async () => {
    const meta = newCommandMeta({ actor, correlationId: 'c' });
    const withdrawal = {
      code: '1.004873',
      reason: 'Bãi bỏ theo quyết định công bố',
      withdrawnOn: '2026-02-01',
    };
    const { events } = await withdrawProcedure(store, withdrawal, meta);
    expect(events.map((e) => e.type)).toEqual(['ProcedureWithdrawn']);
    await project();
    expect(listProcedures(db).map((p) => p.code)).not.toContain('1.004873');
    expect(listProcedures(db, { status: 'withdrawn' }).map((p) => p.code)).toEqual(['1.004873']);
    expect(getProcedure(db, '1.004873')).toMatchObject({
      status: 'withdrawn',
      withdrawal: { reason: withdrawal.reason, withdrawnOn: '2026-02-01' },
    });
    const file = procedureFilesIn().find((f) => f.includes('1.004873'))!;
    const edited = procedureVariant(temp.dir, path.basename(file), (t) =>
      t.replace('amount: 3\n', 'amount: 4\n'),
    );
    await expect(publishProcedures(store, read(edited), { actor })).rejects.toBeInstanceOf(
      ProcedureStateError,
    );
  });

  it("answers the dossiers' procedure port: version, processing time, components; nothing once withdrawn", () => {
    const lookup = catalogueLookup(db, () => '2026-03-01');
    expect(lookup.find('1.000656')).toEqual({
      code: '1.000656',
      version: '2',
      processingTime: { amount: 2, unit: 'day' },
      components: [
        { code: 'to-khai', required: true },
        { code: 'giay-bao-tu', required: true },
        { code: 'nhan-than-nguoi-chet', required: true },
      ],
    });
    expect(lookup.find('1.000656', '1')?.processingTime).toEqual({ amount: 1, unit: 'day' });
    expect(lookup.find('1.000656', 'v1')).toBeUndefined();
    expect(lookup.find('1.004873')).toBeUndefined(); // withdrawn on 2026-02-01
    expect(catalogueLookup(db, () => '2026-01-31').find('1.004873')?.version).toBe('1');
    expect(lookup.find('nope')).toBeUndefined();
  });

  it('checks links against the published catalogue when the linked procedure is not among the files', async () => {
    const birth = procedureVariant(temp.dir, BIRTH, (t) =>
      t.replace('{ from: child.gender, to: person.gender }', '{ from: child.gender, to: person.sex }'),
    );
    const [loaded] = read(birth);
    expect(await checkLinks(store, [loaded!])).toEqual([
      expect.objectContaining({
        path: '/linked/0/mappings/2/to',
        message: 'person.sex is not a field of the eForm of 1.004222',
      }),
    ]);
    const orphan = procedureVariant(temp.dir, BIRTH, (t) =>
      t.replace('code: "9.000001"', 'code: "2.000999"'),
    );
    expect(await checkLinks(store, read(orphan))).toEqual([
      expect.objectContaining({
        path: '/linked/1/code',
        message: 'procedure 2.000999 is neither among the files nor published',
      }),
    ]);
  });
});

describe('declarations and prefill plans', () => {
  const declaration = {
    declarant: { personalId: '001090012345', fullName: 'Nguyễn Văn An', relationship: 'father' },
    child: {
      fullName: 'Nguyễn Minh Khang',
      gender: 'male',
      dateOfBirth: '2026-01-10',
      placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
    },
    mother: { personalId: '001192054321' },
  };

  it('validates a declaration against the eForm, with typed issues at JSON pointers', () => {
    const birth = getProcedure(db, '1.001193')!;
    expect(validateDeclaration(birth, declaration)).toEqual({ valid: true });
    const bad = {
      ...declaration,
      child: { ...declaration.child, fullName: undefined, dateOfBirth: '10/01/2026' },
      mother: { personalId: '123', nickname: 'x' },
    };
    expect(validateDeclaration(birth, JSON.parse(JSON.stringify(bad)))).toEqual({
      valid: false,
      issues: [
        { pointer: '/child/fullName', keyword: 'required', message: 'is required' },
        { pointer: '/child/dateOfBirth', keyword: 'format', message: 'must match format "date"' },
        { pointer: '/mother/nickname', keyword: 'additionalProperties', message: 'is not allowed' },
        { pointer: '/mother/personalId', keyword: 'pattern', message: 'must match pattern "^[0-9]{12}$"' },
      ],
    });
    expect(() => assertDeclaration(birth, { ...declaration, child: {} })).toThrow(DeclarationInvalidError);
    expect(() => assertDeclaration(birth, { ...declaration, child: {} })).toThrow(
      /\/child\/gender is required/,
    );
  });

  it('lists where every eForm field and component of a procedure comes from', () => {
    const plan = prefillPlan(getProcedure(db, '1.001193')!);
    expect(plan.fields.find((f) => f.path === 'mother.residenceAddress')).toEqual({
      path: 'mother.residenceAddress',
      pointer: '/mother/residenceAddress',
      source: {
        kind: 'dataset',
        dataset: 'population',
        field: 'permanentResidence.address',
        lookup: { by: 'person', field: 'mother.personalId' },
        purpose: 'tthc-1.001193',
      },
    });
    expect(plan.fields.find((f) => f.path === 'declarant.fullName')?.source).toEqual({
      kind: 'applicant',
      attribute: 'fullName',
    });
    expect(plan.typed).toEqual(
      expect.arrayContaining(['child.fullName', 'mother.personalId', 'declarant.relationship']),
    );
    expect(plan.typed).not.toContain('mother.fullName');
    expect(plan.components.map((c) => [c.code, c.source.kind])).toEqual([
      ['to-khai', 'declaration'],
      ['giay-chung-sinh', 'upload'],
      ['nhan-than-me', 'dataset'],
      ['nhan-than-cha', 'dataset'],
      ['giay-chung-nhan-ket-hon', 'result'],
    ]);
    const licence = prefillPlan(getProcedure(db, '3.000347')!);
    expect(licence.fields.find((f) => f.path === 'licence.licenceClass')?.source).toMatchObject({
      dataset: 'driving-licences',
      lookup: { by: 'key', field: 'licence.licenceNumber' },
    });
  });
});
