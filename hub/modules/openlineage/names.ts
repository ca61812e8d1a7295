import fs from 'node:fs';

/** The spec version of the events (the copies in `schemas/openlineage/spec/`). */
export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const { version } = JSON.parse(
  fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

/** `producer` and every facet's `_producer`: the hub and its version, under the project's own URLs. */
export const PRODUCER = `https://lienthong.gov.vn/hub/${version}`;

/** The namespace of the hub's jobs and datasets: `lienthong://<LIENTHONG_HUB_ID>`. */
export const hubNamespace = (hubId: string) => `lienthong://${hubId}`;

/** The namespace of what an agency received through the hub: `agency://<organ code>`. */
export const agencyNamespace = (organCode: string) => `agency://${organCode}`;

/** Job name of the releases to one consumer under one contract from one dataset (`_` when no contract). */
export const releaseJobName = (consumer: string, contract: string | null, dataset: string) =>
  `release/${consumer}/${contract ?? '_'}/${dataset}`;

/** A source table as OpenLineage names datasets (spec/Naming.md): the data source, and the table in it. */
export interface SourceDatasetName {
  namespace: string;
  name: string;
}

/**
 * Names a table of a connector's source system (`ConnectorRunStarted.system`, never with
 * credentials) as OpenLineage's naming conventions do: PostgreSQL `postgres://host:port` and
 * `database.schema.table` (schema `public` when the table names none), MySQL/MariaDB
 * `mysql://host:port` and `database.table`; a SQLite file (or a system the hub cannot parse) is its
 * own namespace and the table its name.
 */
export function sourceDataset(system: string, table: string): SourceDatasetName {
  let url: URL | undefined;
  try {
    url = /^[a-z]+:\/\//.test(system) ? new URL(system) : undefined;
  } catch {
    url = undefined;
  }
  const scheme = url?.protocol.replace(/:$/, '');
  const database = url ? decodeURIComponent(url.pathname.replace(/^\//, '')) : '';
  if (url && database && (scheme === 'postgres' || scheme === 'postgresql')) {
    const qualified = table.includes('.') ? table : `public.${table}`;
    return {
      namespace: `postgres://${url.hostname}:${url.port || '5432'}`,
      name: `${database}.${qualified}`,
    };
  }
  if (url && database && (scheme === 'mysql' || scheme === 'mariadb')) {
    return { namespace: `mysql://${url.hostname}:${url.port || '3306'}`, name: `${database}.${table}` };
  }
  return { namespace: system.replace(/\/\/[^@/]*@/, '//'), name: table };
}

/** The system as a URI for the `dataSource` facet: as recorded, credentials (if any) removed. */
export const systemUri = (system: string) => system.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '');
