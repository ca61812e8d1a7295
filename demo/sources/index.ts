export { type BusinessSourceRow, businessRows, type LinkedGeneratorOptions } from './business.js';
export {
  indexesDdl,
  SOURCE_DATASETS,
  SOURCE_KINDS,
  SOURCE_TABLES,
  type SourceDataset,
  type SourceKind,
  type SourceTable,
  sourceDdl,
  tablesDdl,
} from './ddl.js';
export { rowDefects, type SourceDefect } from './defects.js';
export {
  DEMO_ONE_STOP_DOSSIERS,
  DEMO_POPULATION_ROWS,
  DEMO_SEED,
  DEMO_SOURCES,
  type DemoSourceOptions,
  demoCitizen,
  demoSourceFile,
  ensureDemoOneStop,
  ensureDemoSource,
  ensureDemoSources,
} from './demo.js';
export { type DemoExamples, demoExamples } from './examples.js';
export { type Geography, loadGeography, type Place } from './geography.js';
export {
  corruptPersonalId,
  decodePersonalId,
  enterpriseCode,
  isValidEnterpriseCode,
  personalIdNumber,
} from './identifiers.js';
export {
  type CreateSourceOptions,
  type CreateSourceResult,
  createSourceDatabase,
  DRAWN_FROM_POPULATION,
} from './load.js';
export { type ParcelSourceRow, parcelRows } from './parcels.js';
export {
  DEFECT_RATES,
  type GeneratorOptions,
  type HouseholdSourceRow,
  householdRows,
  type PopulationSourceRow,
  populationHouseholds,
  populationRows,
} from './population.js';
export {
  LOCAL_SERVERS,
  listDatabases,
  localServers,
  type SourceTarget,
  serverAvailable,
  withTempDatabase,
} from './servers.js';
