import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../kernel/documents.js';
import { BIRTH, DEATH, procedureVariant, RESIDENCE } from '../../testing/procedures.js';
import { tempDir } from '../../testing/temp.js';
import { RESULT_TYPES } from '../documents/index.js';
import { procedureFilesIn, readProcedureFiles } from './files.js';

const temp = tempDir();
afterAll(() => temp.remove());

/** The issues of one variant of a shipped file, as `path message` lines (line numbers checked apart). */
function issuesOf(name: string, patch: (text: string) => string, others: string[] = []) {
  const file = procedureVariant(temp.dir, name, patch);
  const { issues } = readProcedureFiles([file, ...others]);
  return issues.filter((i) => i.file === file).map((i) => `${i.path} ${i.message}`);
}

describe('the shipped catalogue', () => {
  it('is valid: at least ten procedures, old online levels mapped, links checked among the files', () => {
    const { procedures, issues } = readProcedureFiles(procedureFilesIn());
    expect(issues).toEqual([]);
    expect(procedures.length).toBeGreaterThanOrEqual(10);
    const byCode = new Map(procedures.map((p) => [p.definition.code, p.definition]));
    expect(byCode.get('1.004222')?.serviceLevel).toBe('partly-online'); // legacyLevel 3
    expect(byCode.get('1.000656')?.serviceLevel).toBe('full-online'); // legacyLevel 4
    expect(byCode.get('1.000656')).not.toHaveProperty('legacyLevel');
    expect(byCode.get('1.001193')?.linked.map((l) => l.code)).toEqual(['1.004222', '9.000001']);
    expect(byCode.get('1.000656')?.linked.map((l) => l.code)).toEqual(['1.003197', '1.001731']);
    expect(byCode.get('9.000001')?.codeVerified).toBe(false);
    expect(byCode.get('1.001193')?.codeVerified).toBe(true);
  });
});

describe('result types', () => {
  it('are the ones the documents module issues', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, 'procedure.schema.json'), 'utf8'));
    expect(schema.$defs.resultType.enum).toEqual([...RESULT_TYPES]);
  });
});

describe('procedure files', () => {
  it('names file, field path and line of a schema error', () => {
    const file = procedureVariant(temp.dir, BIRTH, (t) => t.replace('code: "1.001193"', 'code: "1.1193"'));
    expect(readProcedureFiles([file]).issues).toEqual([
      { file, path: '/code', line: 3, message: 'must match pattern "^[1-9]\\.[0-9]{6}$"' },
    ]);
  });

  it('refuses an unknown result type, as the result and in an x-prefill', () => {
    expect(issuesOf(BIRTH, (t) => t.replace('type: birth-certificate', 'type: birth-cert'))).toEqual([
      expect.stringMatching(
        /^\/result\/type must be one of birth-certificate, residence-registration-confirmation, /,
      ),
    ]);
    const prefill = issuesOf(BIRTH, (t) =>
      t.replace('x-prefill: { applicant: phone }', 'x-prefill: { result: phone-bill, field: phone }'),
    );
    expect(prefill).toEqual([
      expect.stringMatching(
        /^\/eForm\/properties\/declarant\/properties\/phone\/x-prefill\/result must be one of /,
      ),
    ]);
  });

  it('refuses a bad old online level, and both levels at once', () => {
    expect(issuesOf(RESIDENCE, (t) => t.replace('legacyLevel: 3', 'legacyLevel: 5'))).toEqual([
      '/legacyLevel must be one of 1, 2, 3, 4',
    ]);
    expect(
      issuesOf(RESIDENCE, (t) => t.replace('legacyLevel: 3', 'legacyLevel: 3\nserviceLevel: full-online')),
    ).toEqual(['/serviceLevel give serviceLevel or legacyLevel, not both']);
    expect(issuesOf(RESIDENCE, (t) => t.replace('legacyLevel: 3\n', ''))).toEqual([
      '/serviceLevel is required (or legacyLevel, the old level 1–4)',
    ]);
  });

  it('checks every x-prefill against the dataset schemas and the form', () => {
    const mother = '/eForm/properties/mother/properties';
    expect(
      issuesOf(BIRTH, (t) =>
        t
          .replace(
            'field: ethnicity, subject: mother.personalId',
            'field: ethnicityy, subject: mother.personalId',
          )
          .replace('field: fullName, subject: mother.personalId', 'field: fullName, subject: mom.personalId')
          .replace(
            'field: dateOfBirth, subject: mother.personalId',
            'field: dateOfBirth, key: x, subject: mother.personalId',
          ),
      ),
    ).toEqual([
      `${mother}/fullName/x-prefill/subject mom.personalId is not a field of the eForm`,
      `${mother}/dateOfBirth/x-prefill/key give subject or key, not both`,
      `${mother}/dateOfBirth/x-prefill/key x is not a field of the eForm`,
      `${mother}/ethnicity/x-prefill/field ethnicityy is not a field of dataset population`,
    ]);
    expect(
      issuesOf(BIRTH, (t) =>
        t.replace('x-prefill: { applicant: phone }', 'x-prefill: { dataset: civil-registry, field: phone }'),
      ),
    ).toEqual([
      expect.stringMatching(
        /^\/eForm\/properties\/declarant\/properties\/phone\/x-prefill\/dataset unknown dataset civil-registry \(known: business-registry, civil-status, /,
      ),
    ]);
    expect(
      issuesOf(BIRTH, (t) =>
        t.replace(
          'field: permanentResidence.address, subject: mother.personalId',
          'field: permanentResidence, subject: mother.personalId',
        ),
      ),
    ).toEqual([
      `${mother}/residenceAddress/x-prefill/field permanentResidence is object in population, the form field is string`,
    ]);
    expect(
      issuesOf(BIRTH, (t) =>
        t.replace(
          'x-prefill: { applicant: phone }',
          'x-prefill: { applicant: phone, result: birth-certificate, field: x }',
        ),
      ),
    ).toEqual([
      '/eForm/properties/declarant/properties/phone/x-prefill needs exactly one of dataset, result, applicant',
    ]);
    expect(
      issuesOf(BIRTH, (t) =>
        t.replace('x-prefill: { applicant: phone }', 'x-prefill: { dataset: population }'),
      ),
    ).toEqual([
      '/eForm/properties/declarant/properties/phone/x-prefill must have property field when property dataset is present',
    ]);
  });

  it('checks the components, the fee and the eForm itself', () => {
    expect(
      issuesOf(BIRTH, (t) =>
        t
          .replace(
            'fields: [fullName, dateOfBirth, ethnicity, permanentResidence]\n      subject: mother',
            'fields: [fullName, shoeSize]\n      subject: mother',
          )
          .replace('supply: { upload: true }', 'supply: { upload: true, result: birth-certificate }')
          .replace('fee:\n  amount: 0', 'fee:\n  amount: 0\n  schedule: [{ amount: 1, description: x }]')
          .replace('title: Nơi sinh,', 'title: Nơi sinh, widget: text,'),
      ),
    ).toEqual([
      '/fee needs amount or schedule, one of them',
      '/eForm is not a valid JSON Schema: strict mode: unknown keyword: "widget"',
      '/components/1/supply needs exactly one of dataset, result, upload, declaration',
      '/components/2/supply/fields/1 shoeSize is not a field of dataset population',
    ]);
  });

  it('checks links: the mapped fields on both sides, fixed values against the linked field', () => {
    const residence = procedureVariant(temp.dir, RESIDENCE, (t) => t);
    expect(
      issuesOf(
        BIRTH,
        (t) =>
          t
            .replace('{ from: child.gender, to: person.gender }', '{ from: child.sex, to: person.sex }')
            .replace('{ value: true, to: newborn }', '{ value: "yes", to: newborn }'),
        [residence],
      ),
    ).toEqual([
      '/linked/0/mappings/2/from child.sex is not a field of the eForm',
      '/linked/0/mappings/2/to person.sex is not a field of the eForm of 1.004222',
      '/linked/0/mappings/7/value does not fit 1.004222 newborn: must be boolean',
    ]);
    expect(issuesOf(DEATH, (t) => t.replace('code: "1.003197"', 'code: "1.000656"'))).toEqual([
      '/linked/0/code a procedure does not link to itself',
    ]);
  });

  it('refuses a code used by two files', () => {
    const a = procedureVariant(temp.dir, DEATH, (t) => t, 'a.yaml');
    const b = procedureVariant(temp.dir, DEATH, (t) => t, 'b.yaml');
    expect(readProcedureFiles([a, b]).issues).toEqual([
      { file: b, path: '/code', line: 4, message: `already used by ${a}` },
    ]);
  });
});
