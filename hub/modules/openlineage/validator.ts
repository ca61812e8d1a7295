import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { SchemaLoadError } from '../../kernel/errors/index.js';

/** The official OpenLineage schemas, copied unmodified (`spec/`), and the hub's own facets (`facets/`). */
export const OPENLINEAGE_SCHEMAS_DIR = fileURLToPath(
  new URL('../../../schemas/openlineage', import.meta.url),
);

/** Where a facet may stand in an event, as its schema's name ends (`…RunFacet`, `…InputDatasetFacet` …). */
export type FacetPlace = 'run' | 'job' | 'dataset' | 'inputDataset' | 'outputDataset';

const PLACES: readonly [suffix: string, place: FacetPlace][] = [
  ['InputDatasetFacet', 'inputDataset'],
  ['OutputDatasetFacet', 'outputDataset'],
  ['DatasetFacet', 'dataset'],
  ['RunFacet', 'run'],
  ['JobFacet', 'job'],
];

/** Where each kind of facet goes, as an issue names it. */
const PLACE_NAMES: Record<FacetPlace, string> = {
  run: 'run facets (run.facets)',
  job: 'job facets (job.facets)',
  dataset: 'dataset facets (facets)',
  inputDataset: 'input facets (inputFacets)',
  outputDataset: 'output facets (outputFacets)',
};

/** A facet schema file: the facet it declares (key in an event), where it stands, its `_schemaURL`. */
export interface FacetSchema {
  key: string;
  place: FacetPlace;
  schemaURL: string;
  validate: ValidateFunction;
}

export interface LineageIssue {
  /** JSON pointer into the event. */
  path: string;
  message: string;
}

export interface OpenLineageValidator {
  /** Every problem of one event: the core schema, then each facet against its own schema; empty when valid. */
  validate(event: unknown): LineageIssue[];
  /** The facets known, by key. */
  facets: ReadonlyMap<string, FacetSchema>;
}

const jsonFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];

function readSchema(file: string): SchemaObject {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SchemaObject;
  } catch (error) {
    throw new SchemaLoadError(file, (error as Error).message);
  }
}

const pointer = (segments: readonly (string | number)[]) =>
  segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

function issuesOf(errors: ErrorObject[] | null | undefined, at: string): LineageIssue[] {
  const seen = new Set<string>();
  const out: LineageIssue[] = [];
  for (const e of errors ?? []) {
    const extra =
      e.keyword === 'additionalProperties'
        ? `: ${(e.params as { additionalProperty: string }).additionalProperty}`
        : e.keyword === 'enum'
          ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : '';
    const issue = { path: `${at}${e.instancePath}`, message: `${e.message ?? e.keyword}${extra}` };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) out.push(issue);
    seen.add(key);
  }
  return out;
}

/**
 * Validates OpenLineage events with ajv (draft 2020-12, formats checked) against the core schema
 * `spec/OpenLineage.json`, and each facet against the schema that declares its key: the official
 * facets of `spec/facets/` and the hub's `facets/`, every file added to ajv so their `$ref`s to the
 * core schema resolve. A facet no schema declares, one standing where its schema does not put it
 * (a run facet among a dataset's) and one whose `_schemaURL` is not its schema's are issues too.
 */
export function createOpenLineageValidator(dir = OPENLINEAGE_SCHEMAS_DIR): OpenLineageValidator {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  ajvFormats.default(ajv);
  // annotations of the official schemas that ajv does not know
  ajv.addVocabulary(['example']);
  const coreFile = path.join(dir, 'spec', 'OpenLineage.json');
  const core = readSchema(coreFile);
  const facetFiles = [...jsonFiles(path.join(dir, 'spec', 'facets')), ...jsonFiles(path.join(dir, 'facets'))];
  const facetSchemas = facetFiles.map((file) => ({ file, schema: readSchema(file) }));
  try {
    ajv.addSchema(core);
    for (const { schema } of facetSchemas) ajv.addSchema(schema);
  } catch (error) {
    throw new SchemaLoadError(dir, (error as Error).message);
  }
  const compile = (id: string, file: string) => {
    try {
      return ajv.getSchema(id)!;
    } catch (error) {
      throw new SchemaLoadError(file, (error as Error).message);
    }
  };
  const event = compile(core.$id as string, coreFile);
  const facets = new Map<string, FacetSchema>();
  for (const { file, schema } of facetSchemas) {
    const validate = compile(schema.$id as string, file);
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, SchemaObject>)) {
      const ref = String(property.$ref ?? '');
      const name = ref.replace(/^#\/\$defs\//, '');
      const place = PLACES.find(([suffix]) => name.endsWith(suffix))?.[1];
      if (!ref.startsWith('#/$defs/') || !place)
        throw new SchemaLoadError(
          file,
          `${key} must be a $ref to a $defs entry named …RunFacet, …JobFacet or …DatasetFacet`,
        );
      facets.set(key, { key, place, schemaURL: `${schema.$id}${ref}`, validate });
    }
  }

  const checkFacets = (value: unknown, place: FacetPlace, at: (string | number)[]): LineageIssue[] => {
    if (value === undefined || value === null || typeof value !== 'object') return [];
    const issues: LineageIssue[] = [];
    for (const [key, facet] of Object.entries(value as Record<string, unknown>)) {
      const where = pointer([...at, key]);
      const schema = facets.get(key);
      if (!schema) {
        issues.push({ path: where, message: `no schema declares the facet ${key}` });
        continue;
      }
      if (schema.place !== place)
        issues.push({
          path: where,
          message: `${key} belongs among ${PLACE_NAMES[schema.place]}, not ${PLACE_NAMES[place]}`,
        });
      if (!schema.validate({ [key]: facet })) issues.push(...issuesOf(schema.validate.errors, pointer(at)));
      const url = (facet as { _schemaURL?: unknown })?._schemaURL;
      if (typeof url === 'string' && url !== schema.schemaURL)
        issues.push({ path: `${where}/_schemaURL`, message: `must be ${schema.schemaURL}` });
    }
    return issues;
  };

  return {
    facets,
    validate(value) {
      const issues = event(value) ? [] : issuesOf(event.errors, '');
      const e = value as {
        run?: { facets?: unknown };
        job?: { facets?: unknown };
        inputs?: { facets?: unknown; inputFacets?: unknown }[];
        outputs?: { facets?: unknown; outputFacets?: unknown }[];
      };
      if (!e || typeof e !== 'object') return issues;
      issues.push(...checkFacets(e.run?.facets, 'run', ['run', 'facets']));
      issues.push(...checkFacets(e.job?.facets, 'job', ['job', 'facets']));
      for (const [i, d] of (Array.isArray(e.inputs) ? e.inputs : []).entries()) {
        issues.push(...checkFacets(d?.facets, 'dataset', ['inputs', i, 'facets']));
        issues.push(...checkFacets(d?.inputFacets, 'inputDataset', ['inputs', i, 'inputFacets']));
      }
      for (const [i, d] of (Array.isArray(e.outputs) ? e.outputs : []).entries()) {
        issues.push(...checkFacets(d?.facets, 'dataset', ['outputs', i, 'facets']));
        issues.push(...checkFacets(d?.outputFacets, 'outputDataset', ['outputs', i, 'outputFacets']));
      }
      return issues;
    },
  };
}
