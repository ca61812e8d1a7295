import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGraphql } from '../../api/graphql/compose.js';
import { graphql } from '../../api/graphql/kit/graphql-runtime.js';
import { SchemaLoadError } from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';
import { tempDir } from '../../testing/temp.js';
import { applyContracts, readContractFiles } from '../contracts/index.js';
import { hubModules } from '../index.js';
import { buildUpsert, DATASETS_DIR, loadDatasets } from '../records/index.js';
import { accessModuleFor, datasetApi } from './index.js';

const { isEnumType, isObjectType, isListType, isNonNullType } = graphql;

describe('GraphQL types generated from the dataset schemas', () => {
  const schema = graphql.buildSchema(composeGraphql(hubModules).schema);
  const object = (name: string) => {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
    return type;
  };

  it('give each dataset a record type with its fields, descriptions and release', () => {
    const civil = object('CivilStatusRecord');
    expect(Object.keys(civil.getFields())).toEqual([
      ...loadDatasets().get('civil-status')!.fields,
      'release',
    ]);
    expect(civil.description).toMatch(/^A person's civil status/);
    expect(civil.getFields().fatherName!.description).toMatch(/Full name of the father/);
    expect(String(civil.getFields().maritalStatus!.type)).toBe('CivilStatusRecordMaritalStatus');
    expect(String(civil.getFields().release!.type)).toBe('Release!');
    expect(String(object('SocialInsuranceRecord').getFields().contributionMonths!.type)).toBe('Int');
    expect(String(object('BusinessRegistryRecord').getFields().charterCapital!.type)).toBe('Float');
    expect(String(object('BusinessRegistryRecord').getFields().headOffice!.type)).toBe(
      'BusinessRegistryRecordHeadOffice',
    );
    for (const name of ['DrivingLicenceRecord', 'LandParcelRecord', 'PopulationRecord']) object(name);
  });

  it('map enums to enums (values renamed where GraphQL needs it), arrays to lists, objects to types', () => {
    const legalForm = schema.getType('BusinessRegistryRecordLegalForm');
    if (!isEnumType(legalForm)) throw new Error('not an enum');
    expect(legalForm.getValues().map((v) => v.name)).toContain('single_member_llc');
    expect(legalForm.getValue('single_member_llc')!.description).toBe('Stored as `single-member-llc`.');
    const convictions = object('JudicialRecord').getFields().convictions!.type;
    expect(isListType(convictions)).toBe(true);
    const item = isListType(convictions) ? convictions.ofType : null;
    expect(isNonNullType(item) && String(item.ofType)).toBe('JudicialRecordConviction');
    expect(Object.keys(object('JudicialRecordConviction').getFields())).toEqual([
      'judgmentNumber',
      'court',
      'judgedOn',
      'offence',
      'sentence',
      'sentenceCompleted',
    ]);
  });

  it('add one root query per dataset, by key, by the citizen where a person has one, and a list by citizen', () => {
    const query = schema.getQueryType()!.getFields();
    const args = (field: string) => query[field]!.args.map((a) => `${a.name}: ${a.type}`);
    expect(args('civilStatus')).toEqual(['personalId: String!', 'purpose: String!', 'dossier: String']);
    expect(args('socialInsurance')).toEqual([
      'socialInsuranceNumber: String',
      'personalId: String',
      'purpose: String!',
      'dossier: String',
    ]);
    expect(args('businessRegistry')).toEqual([
      'enterpriseCode: String!',
      'purpose: String!',
      'dossier: String',
    ]);
    expect(args('landParcel')).toEqual(['parcelId: String!', 'purpose: String!', 'dossier: String']);
    expect(args('landParcelsOf')).toEqual(['personalId: String!', 'purpose: String!', 'dossier: String']);
    expect(String(query.landParcelsOf!.type)).toBe('[LandParcelRecord!]!');
    expect(String(query.judicialRecord!.type)).toBe('JudicialRecord');
    expect(String(query.drivingLicence!.type)).toBe('DrivingLicenceRecord');
    expect(query.person).toBeDefined();
  });
});

describe('a dataset schema the API cannot type', () => {
  it('stops the build of the API naming the file and the field', () => {
    const tmp = tempDir();
    try {
      fs.writeFileSync(
        path.join(tmp.dir, 'grades.schema.json'),
        JSON.stringify({
          title: 'grades',
          'x-dataset': { key: 'id', subject: { field: 'id', kind: 'citizen' } },
          type: 'object',
          properties: { id: { type: 'string' }, grade: { enum: [1, 2, 3] } },
        }),
      );
      expect(() => datasetApi(loadDatasets(tmp.dir))).toThrow(SchemaLoadError);
      expect(() => datasetApi(loadDatasets(tmp.dir))).toThrow(
        /grades\.schema\.json.*grades\.grade: only enums of strings/,
      );
    } finally {
      tmp.remove();
    }
  });
});

describe('a dataset dropped into the datasets folder', () => {
  let hub: TestHub;
  let tmp: ReturnType<typeof tempDir>;
  const HOLDER = '001085012345';
  const QUERY = `query($no: String, $pid: String) {
    fishingLicence(licenceNo: $no, personalId: $pid, purpose: "fisheries-inspection") {
      vesselName gear tonnage release { accessId fields contractId sources { field eventId } }
    }
  }`;

  beforeAll(async () => {
    tmp = tempDir();
    for (const file of fs.readdirSync(DATASETS_DIR))
      fs.copyFileSync(path.join(DATASETS_DIR, file), path.join(tmp.dir, file));
    fs.writeFileSync(
      path.join(tmp.dir, 'fishing-licences.schema.json'),
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'fishing-licences',
        description: 'A fishing licence (giấy phép khai thác thủy sản).',
        'x-dataset': {
          key: 'licenceNo',
          singular: 'fishing-licence',
          subject: { field: 'holderId', kind: 'citizen', unique: true },
        },
        type: 'object',
        required: ['licenceNo', 'holderId'],
        additionalProperties: false,
        properties: {
          licenceNo: {
            description: 'Licence number.',
            type: 'string',
            pattern: '^[A-Z]{2}-[0-9]{5}$',
            'x-personal': true,
          },
          holderId: {
            description: 'Personal ID of the holder.',
            type: 'string',
            pattern: '^[0-9]{12}$',
            'x-personal': true,
          },
          vesselName: { description: 'Name of the vessel.', type: 'string' },
          gear: { description: 'Fishing gear.', enum: ['gill-net', 'long-line', 'trawl'] },
          tonnage: { description: 'Gross tonnage.', type: 'integer', minimum: 0 },
        },
      }),
    );
    const datasets = loadDatasets(tmp.dir);
    const modules = hubModules.map((m) => (m.name === 'access' ? accessModuleFor(() => datasets) : m));
    hub = await startTestHub({ citizens: 2, modules });
    const contract = path.join(tmp.dir, 'fishing.yaml');
    fs.writeFileSync(
      contract,
      [
        'id: c06-to-ba-dinh-fishing',
        'provider: 000.06.00.G08',
        `consumer: ${AGENCIES.baDinh}`,
        'dataset: fishing-licences',
        'fields: [vesselName, gear, tonnage]',
        'purposes: [fisheries-inspection]',
        'legalBasis: Luật Thủy sản 2017',
        'consentRequired: false',
        'validFrom: "2025-07-01"',
        'rateLimit: { requests: 100, perSeconds: 60 }',
      ].join('\n'),
    );
    const { contracts, issues } = readContractFiles([contract], datasets);
    expect(issues).toEqual([]);
    await applyContracts(hub.store, contracts, { actor: { kind: 'system', id: 'test' } });
    const record = {
      licenceNo: 'HP-00042',
      holderId: HOLDER,
      vesselName: 'Hải Phòng 01',
      gear: 'gill-net',
      tonnage: 3_000_000_000,
    };
    const metadata = buildMetadata({
      occurredAt: '2026-01-05T00:00:00Z',
      actor: { kind: 'system', id: 'test' },
      correlationId: 'fishing',
    });
    const { stream, event } = buildUpsert(datasets.get('fishing-licences')!, record, {
      sealing: hub.sealing,
      previousVersion: null,
      metadata,
    });
    await hub.store.append(stream, [event], { expectedRevision: 'no_stream' });
    await hub.settle();
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    tmp?.remove();
  });

  it('gets its type and queries, with descriptions, from the schema alone', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const res = await hub.gql(
      token,
      `{ __type(name: "FishingLicenceRecord") { description fields { name description type { name } } }
         __schema { queryType { fields { name } } } }`,
    );
    const type = res.data!.__type as {
      description: string;
      fields: { name: string; description: string; type: { name: string } }[];
    };
    expect(type.description).toMatch(/^A fishing licence/);
    expect(type.fields.map((f) => [f.name, f.type.name, f.description])).toEqual([
      ['licenceNo', 'String', 'Licence number.'],
      ['holderId', 'String', 'Personal ID of the holder.'],
      ['vesselName', 'String', 'Name of the vessel.'],
      ['gear', 'FishingLicenceRecordGear', 'Fishing gear.'],
      ['tonnage', 'Float', 'Gross tonnage.'],
      [
        'release',
        null,
        'How this answer was released: the access record, contract and consent it relied on.',
      ],
    ]);
    const queries = (
      res.data!.__schema as { queryType: { fields: { name: string }[] } }
    ).queryType.fields.map((f) => f.name);
    expect(queries).toEqual(
      expect.arrayContaining(['fishingLicence', 'fishingLicencesOf', 'person', 'civilStatus']),
    );
  });

  it('releases a record asked for by key, recording DataAccessed with its source first', async () => {
    const res = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer'), QUERY, { no: 'HP-00042' });
    expect(res.errors).toBeUndefined();
    const licence = res.data!.fishingLicence as Record<string, unknown> & {
      release: { accessId: string; sources: { eventId: string }[] };
    };
    expect(licence).toMatchObject({ vesselName: 'Hải Phòng 01', gear: 'gill_net', tonnage: 3_000_000_000 });
    const [accessed] = await hub.accessEvents(HOLDER);
    expect(accessed).toMatchObject({
      id: licence.release.accessId,
      type: 'DataAccessed',
      data: {
        dataset: 'fishing-licences',
        subject: hub.pseudonymize('citizen', HOLDER),
        fields: ['vesselName', 'gear', 'tonnage'],
        contract: { id: 'c06-to-ba-dinh-fishing', version: 1 },
      },
    });
    const [record] = await hub.raw.readAll({
      filter: { eventTypes: ['DatasetRecordUpserted'], streamPrefixes: ['record-fishing-licences-'] },
    });
    expect(licence.release.sources.map((s) => s.eventId)).toEqual([record!.id, record!.id, record!.id]);
  });

  it('finds it by the citizen too, refuses fields outside the contract and a malformed key by name', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const bySubject = await hub.gql(token, QUERY, { pid: HOLDER });
    expect(bySubject.data!.fishingLicence).toMatchObject({ vesselName: 'Hải Phòng 01' });
    const list = await hub.gql(
      token,
      `{ fishingLicencesOf(personalId: "${HOLDER}", purpose: "fisheries-inspection") { tonnage } }`,
    );
    expect(list.data!.fishingLicencesOf).toEqual([{ tonnage: 3_000_000_000 }]);

    const outside = await hub.gql(
      token,
      `{ fishingLicence(licenceNo: "HP-00042", purpose: "fisheries-inspection") { holderId } }`,
    );
    expect(outside.errors?.[0]?.extensions.code).toBe('FIELD_NOT_IN_CONTRACT');
    expect((await hub.accessEvents(HOLDER)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { reason: 'FIELD_NOT_IN_CONTRACT', fields: ['holderId'] },
    });

    const malformed = await hub.gql(token, QUERY, { no: 'nope' });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'licenceNo' });
    const both = await hub.gql(token, QUERY, { no: 'HP-00042', pid: HOLDER });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'licenceNo' });

    const before = (await hub.raw.info()).lastPosition;
    const unknown = await hub.gql(token, QUERY, { no: 'HP-99999' });
    expect(unknown).toMatchObject({ data: { fishingLicence: null } });
    expect(unknown.errors).toBeUndefined();
    expect((await hub.raw.info()).lastPosition).toBe(before);
  });
});
