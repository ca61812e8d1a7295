import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp.js';
import {
  createOpenLineageValidator,
  FACET_SCHEMAS,
  OPENLINEAGE_SCHEMAS_DIR,
  PRODUCER,
  sourceDataset,
} from './index.js';

/** The official schemas as the project shares them: `../shared/openlineage` from the repository root. */
const shared = path.resolve(import.meta.dirname, '../../../../shared/openlineage');
const copies = path.join(OPENLINEAGE_SCHEMAS_DIR, 'spec');

describe.skipIf(!fs.existsSync(shared))('schemas/openlineage/spec', () => {
  it('holds byte-identical copies of every official schema in ../shared/openlineage', () => {
    const facets = fs.readdirSync(path.join(shared, 'facets')).filter((f) => f.endsWith('.json'));
    for (const file of ['OpenLineage.json', ...facets.map((f) => `facets/${f}`)]) {
      const same = fs.readFileSync(path.join(copies, file)).equals(fs.readFileSync(path.join(shared, file)));
      expect(same, file).toBe(true);
    }
    expect(fs.readdirSync(path.join(copies, 'facets')).sort()).toEqual(facets.sort());
  });
});

const validator = createOpenLineageValidator();

describe('createOpenLineageValidator', () => {
  it('knows every facet the export writes, at the _schemaURL the export gives it', () => {
    for (const [key, url] of Object.entries(FACET_SCHEMAS)) {
      expect(validator.facets.get(key)?.schemaURL, key).toBe(url);
    }
  });

  const event = () => ({
    eventType: 'START',
    eventTime: '2026-01-31T08:00:00.000Z',
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId: '0b9f9a4e-8f43-4a8d-9d0f-9f8a2b7c1d11',
      facets: {
        errorMessage: {
          _producer: PRODUCER,
          _schemaURL: FACET_SCHEMAS.errorMessage,
          message: 'relation "cong_dan" does not exist',
          programmingLanguage: 'TypeScript',
        },
      },
    },
    job: { namespace: 'lienthong://hub.local', name: 'population-sql', facets: {} },
    inputs: [] as unknown[],
    outputs: [
      {
        namespace: 'lienthong://hub.local',
        name: 'population',
        outputFacets: {
          outputStatistics: { _producer: PRODUCER, _schemaURL: FACET_SCHEMAS.outputStatistics, rowCount: 3 },
        },
      },
    ],
  });

  it('accepts a valid event, and names what breaks the core schema, a facet, or where a facet stands', () => {
    expect(validator.validate(event())).toEqual([]);
    const noJob: Record<string, unknown> = event();
    delete noJob.job;
    expect(validator.validate(noJob).map((i) => i.message)).toContain("must have required property 'job'");
    const noLanguage = event();
    delete (noLanguage.run.facets.errorMessage as Partial<typeof noLanguage.run.facets.errorMessage>)
      .programmingLanguage;
    expect(validator.validate(noLanguage)).toContainEqual({
      path: '/run/facets/errorMessage',
      message: "must have required property 'programmingLanguage'",
    });
    const misplaced = event();
    misplaced.inputs = [{ namespace: 'x', name: 'y', facets: misplaced.outputs[0]!.outputFacets }];
    expect(validator.validate(misplaced)).toContainEqual({
      path: '/inputs/0/facets/outputStatistics',
      message: 'outputStatistics belongs among output facets (outputFacets), not dataset facets (facets)',
    });
    const nonInteger = event();
    (nonInteger.outputs[0]!.outputFacets.outputStatistics as { rowCount: unknown }).rowCount = 'three';
    expect(validator.validate(nonInteger)).toContainEqual({
      path: '/outputs/0/outputFacets/outputStatistics/rowCount',
      message: 'must be integer',
    });
  });

  it('stops at boot on a facet schema it cannot place', () => {
    const temp = tempDir();
    try {
      fs.cpSync(OPENLINEAGE_SCHEMAS_DIR, temp.dir, { recursive: true });
      const file = path.join(temp.dir, 'facets', 'LienthongReleaseRunFacet.json');
      const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
      schema.properties = { lienthong_release: { type: 'object' } };
      fs.writeFileSync(file, JSON.stringify(schema));
      expect(() => createOpenLineageValidator(temp.dir)).toThrow(/lienthong_release must be a \$ref/);
    } finally {
      temp.remove();
    }
  });
});

describe('sourceDataset: source tables named as OpenLineage names datasets', () => {
  it('names PostgreSQL, MySQL/MariaDB and SQLite tables, never with credentials', () => {
    expect(sourceDataset('postgres://db.c06.gov.vn/dancu', 'cong_dan')).toEqual({
      namespace: 'postgres://db.c06.gov.vn:5432',
      name: 'dancu.public.cong_dan',
    });
    expect(
      sourceDataset('postgresql://u:pw@10.0.0.5:6432/dancu?sslmode=require', 'hotich.khai_sinh'),
    ).toEqual({
      namespace: 'postgres://10.0.0.5:6432',
      name: 'dancu.hotich.khai_sinh',
    });
    expect(sourceDataset('mariadb://10.0.0.7/btxh', 'doi_tuong')).toEqual({
      namespace: 'mysql://10.0.0.7:3306',
      name: 'btxh.doi_tuong',
    });
    expect(sourceDataset('sqlite:data/sources/population.sqlite', 'cong_dan')).toEqual({
      namespace: 'sqlite:data/sources/population.sqlite',
      name: 'cong_dan',
    });
  });
});
