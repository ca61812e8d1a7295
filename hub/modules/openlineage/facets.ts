import { PRODUCER } from './names.js';

/** An OpenLineage facet: its fields, and where its schema is (`_schemaURL`) and who made it. */
export type Facet = { _producer: string; _schemaURL: string } & Record<string, unknown>;
export type Facets = Record<string, Facet>;

export interface Dataset {
  namespace: string;
  name: string;
  facets?: Facets;
  outputFacets?: Facets;
}

/** A RunEvent of the OpenLineage spec (2-0-2). */
export interface RunEvent {
  eventType: 'START' | 'COMPLETE' | 'FAIL';
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets: Facets };
  job: { namespace: string; name: string; facets: Facets };
  inputs: Dataset[];
  outputs: Dataset[];
}

const spec = (version: string, name: string) =>
  `https://openlineage.io/spec/facets/${version}/${name}.json#/$defs/${name}`;
const own = (name: string) =>
  `https://lienthong.gov.vn/schemas/openlineage/facets/${name}.json#/$defs/${name}`;

/**
 * The `_schemaURL` of every facet the export writes, by key: the official facets of the versions
 * copied into `schemas/openlineage/spec/facets/`, and the hub's own in `schemas/openlineage/facets/`.
 */
export const FACET_SCHEMAS = {
  schema: spec('1-2-0', 'SchemaDatasetFacet'),
  columnLineage: spec('1-2-0', 'ColumnLineageDatasetFacet'),
  dataSource: spec('1-0-1', 'DatasourceDatasetFacet'),
  errorMessage: spec('1-0-1', 'ErrorMessageRunFacet'),
  jobType: spec('2-0-4', 'JobTypeJobFacet'),
  outputStatistics: spec('1-0-2', 'OutputStatisticsOutputDatasetFacet'),
  lienthong_connector: own('LienthongConnectorRunFacet'),
  lienthong_release: own('LienthongReleaseRunFacet'),
  lienthong_consent: own('LienthongConsentRunFacet'),
  lienthong_legalBasis: own('LienthongLegalBasisRunFacet'),
} as const;

export type FacetKey = keyof typeof FACET_SCHEMAS;

/** One facet, `key: { _producer, _schemaURL, …fields }`. */
export const facet = <K extends FacetKey>(key: K, fields: Record<string, unknown>): Record<K, Facet> =>
  ({ [key]: { _producer: PRODUCER, _schemaURL: FACET_SCHEMAS[key], ...fields } }) as Record<K, Facet>;

/** One input field of the `columnLineage` facet. */
export interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations: {
    type: 'DIRECT' | 'INDIRECT';
    subtype: string;
    description?: string;
    masking?: boolean;
  }[];
}

/** The `columnLineage` facet: each output field from its input fields, and what acts on the whole dataset. */
export function columnLineage(fields: Map<string, InputField[]>, dataset: InputField[] = []) {
  return facet('columnLineage', {
    fields: Object.fromEntries([...fields].map(([field, inputFields]) => [field, { inputFields }])),
    ...(dataset.length > 0 ? { dataset } : {}),
  });
}

/** The `jobType` facet of a batch job of the hub. */
export const jobType = (type: string) =>
  facet('jobType', { processingType: 'BATCH', integration: 'LIENTHONG', jobType: type });
