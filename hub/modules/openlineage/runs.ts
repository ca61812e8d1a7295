import type { EventStore, RecordedEvent } from '../../kernel/event-store.js';
import { readStreamOrNone } from '../../kernel/read-stream.js';
import type { DatasetDefinition } from '../records/index.js';
import { datasetSchemaFacet, namedFieldsFacet } from './dataset-schema.js';
import {
  columnLineage,
  type Dataset,
  type Facets,
  facet,
  type InputField,
  jobType,
  type RunEvent,
} from './facets.js';
import { hubNamespace, PRODUCER, RUN_EVENT_SCHEMA_URL, sourceDataset, systemUri } from './names.js';

/** The connector run events the export reads (`schemas/events/Connector*.schema.json`). */
export const RUN_EVENT_TYPES = [
  'ConnectorRunStarted',
  'ConnectorRunCompleted',
  'ConnectorRunFailed',
] as const;
/** Their streams: `connector-<name>`. */
export const RUN_STREAM_PREFIX = 'connector-';

/** Starts kept while their runs have not ended; an end met later reads its start back instead. */
const MAX_OPEN_RUNS = 10_000;

/** `ConnectorRunStarted.lineage[]`: what one stream reads and writes (names only). */
interface StreamLineage {
  stream: string;
  dataset: string;
  target?: string;
  tables: string[];
  fields: { field: string; table: string; column: string; steps: string[] }[];
  uses: { table: string; column: string; use: 'key' | 'cursor' | 'softDelete' | 'join' }[];
}

interface RunStarted {
  connector: string;
  version: string;
  runId: string;
  system: string;
  streams: string[];
  resumedFrom: unknown[];
  fullRefresh?: string[];
  lineage?: StreamLineage[];
}

type Counts = Record<string, number>;

interface RunEnded {
  connector: string;
  runId: string;
  counts: Counts;
  durationMs: number;
  error?: { code: string; failure: string; message: string };
}

/** How a mapping step list reads as an OpenLineage transformation of a column. */
function direct(steps: readonly string[]): InputField['transformations'] {
  if (steps.length === 0) return [{ type: 'DIRECT', subtype: 'IDENTITY' }];
  return [
    {
      type: 'DIRECT',
      subtype: 'TRANSFORMATION',
      description: steps.join(', '),
      masking: steps.includes('mask') || steps.includes('hash'),
    },
  ];
}

const INDIRECT: Record<StreamLineage['uses'][number]['use'], InputField['transformations'][number]> = {
  key: {
    type: 'INDIRECT',
    subtype: 'SORT',
    description: 'primary key: identifies the row and orders the reads',
  },
  cursor: {
    type: 'INDIRECT',
    subtype: 'FILTER',
    description: 'cursor: rows changed since the last checkpoint',
  },
  softDelete: {
    type: 'INDIRECT',
    subtype: 'CONDITIONAL',
    description: 'soft delete: the record is deleted when set',
  },
  join: { type: 'INDIRECT', subtype: 'JOIN', description: 'join key' },
};

/** The datasets a run reads and writes, built from its `ConnectorRunStarted`. */
interface RunDatasets {
  inputs: Dataset[];
  outputs: Dataset[];
}

/** Inputs (source tables, named as OpenLineage names them) and outputs (hub datasets) of a run. */
function runDatasets(started: RunStarted, hubId: string, datasets: ReadonlyMap<string, DatasetDefinition>) {
  const hub = hubNamespace(hubId);
  const lineage = started.lineage;
  if (!lineage) {
    // a run recorded before runs named their lineage: its tables only
    const inputs = started.streams.map((table) => ({
      ...sourceDataset(started.system, table),
      facets: facet('dataSource', { name: started.system, uri: encodeURI(systemUri(started.system)) }),
    }));
    return { inputs, outputs: [] };
  }
  const columns = new Map<string, { table: string; columns: Set<string> }>();
  const use = (table: string, column: string) => {
    const entry = columns.get(table) ?? { table, columns: new Set<string>() };
    entry.columns.add(column);
    columns.set(table, entry);
  };
  const byDataset = new Map<string, { streams: StreamLineage[]; fields: Map<string, InputField[]> }>();
  for (const s of lineage) {
    const at = (
      table: string,
      field: string,
      transformations: InputField['transformations'],
    ): InputField => ({
      ...sourceDataset(started.system, table),
      field,
      transformations,
    });
    const out = byDataset.get(s.dataset) ?? { streams: [], fields: new Map<string, InputField[]>() };
    out.streams.push(s);
    for (const f of s.fields) {
      use(f.table, f.column);
      out.fields.set(f.field, [...(out.fields.get(f.field) ?? []), at(f.table, f.column, direct(f.steps))]);
    }
    for (const u of s.uses) use(u.table, u.column);
    byDataset.set(s.dataset, out);
  }
  const dataSource = facet('dataSource', { name: started.system, uri: encodeURI(systemUri(started.system)) });
  const inputs = [...columns.values()].map(({ table, columns }) => ({
    ...sourceDataset(started.system, table),
    facets: { ...dataSource, ...namedFieldsFacet(columns) },
  }));
  const outputs = [...byDataset].map(([name, { streams, fields }]) => {
    const def = streams.some((s) => s.target) ? undefined : datasets.get(name);
    const indirect = streams.flatMap((s) =>
      s.uses.map((u) => ({
        ...sourceDataset(started.system, u.table),
        field: u.column,
        transformations: [INDIRECT[u.use]],
      })),
    );
    return {
      namespace: hub,
      name,
      facets: {
        ...(def ? datasetSchemaFacet(def) : namedFieldsFacet(fields.keys())),
        ...columnLineage(fields, indirect),
      },
    };
  });
  return { inputs, outputs };
}

/** The facet of the run: the connector, its version and source, and once it ended, its counts. */
function connectorFacet(
  started: RunStarted | undefined,
  ended: RunEnded | undefined,
  connector: string,
): Facets {
  return facet('lienthong_connector', {
    connector,
    ...(started
      ? {
          version: started.version,
          system: started.system,
          streams: started.streams,
          resumed: started.resumedFrom.length > 0,
          ...(started.fullRefresh ? { fullRefresh: started.fullRefresh } : {}),
        }
      : {}),
    ...(ended
      ? {
          counts: ended.counts,
          durationMs: ended.durationMs,
          ...(ended.error ? { error: { code: ended.error.code, failure: ended.error.failure } } : {}),
        }
      : {}),
  });
}

/**
 * Connector runs as OpenLineage RunEvents: `ConnectorRunStarted` → START, `ConnectorRunCompleted` →
 * COMPLETE, `ConnectorRunFailed` → FAIL, all three with the run's id and job (the connector) and
 * the same inputs and outputs. An end event whose start the export has not met (it lies before the
 * window) finds it by reading its connector stream back from the end.
 */
export class RunEventMapper {
  /** Starts met and not yet ended, by run id. */
  private readonly open = new Map<string, RunStarted>();

  constructor(
    private readonly store: EventStore,
    private readonly hubId: string,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
  ) {}

  async map(event: RecordedEvent): Promise<RunEvent> {
    const hub = hubNamespace(this.hubId);
    const base = {
      eventTime: event.metadata.occurredAt,
      producer: PRODUCER,
      schemaURL: RUN_EVENT_SCHEMA_URL,
    };
    if (event.type === 'ConnectorRunStarted') {
      const started = event.data as RunStarted;
      this.open.set(started.runId, started);
      // runs that never ended (a killed process) are forgotten past a bound, oldest first
      if (this.open.size > MAX_OPEN_RUNS) this.open.delete(this.open.keys().next().value!);
      return {
        eventType: 'START',
        ...base,
        run: { runId: started.runId, facets: connectorFacet(started, undefined, started.connector) },
        job: { namespace: hub, name: started.connector, facets: jobType('CONNECTOR_SYNC') },
        ...runDatasets(started, this.hubId, this.datasets),
      };
    }
    const ended = event.data as RunEnded;
    const started = this.open.get(ended.runId) ?? (await this.findStart(event, ended.runId));
    this.open.delete(ended.runId);
    const { inputs, outputs } = started
      ? runDatasets(started, this.hubId, this.datasets)
      : ({ inputs: [], outputs: [] } as RunDatasets);
    const failed = event.type === 'ConnectorRunFailed';
    const rowCount = (ended.counts.upserted ?? 0) + (ended.counts.deleted ?? 0);
    return {
      eventType: failed ? 'FAIL' : 'COMPLETE',
      ...base,
      run: {
        runId: ended.runId,
        facets: {
          ...connectorFacet(started, ended, ended.connector),
          ...(failed && ended.error
            ? facet('errorMessage', { message: ended.error.message, programmingLanguage: 'TypeScript' })
            : {}),
        },
      },
      job: { namespace: hub, name: ended.connector, facets: jobType('CONNECTOR_SYNC') },
      inputs,
      // the run's counts are of all its streams: they are the rows of a dataset when it wrote only one
      outputs:
        !failed && outputs.length === 1
          ? [{ ...outputs[0]!, outputFacets: facet('outputStatistics', { rowCount }) }]
          : outputs,
    };
  }

  /** The `ConnectorRunStarted` of a run, read back from its end event in the connector's stream. */
  private async findStart(end: RecordedEvent, runId: string): Promise<RunStarted | undefined> {
    let from = end.revision;
    while (from >= 0) {
      const page = await readStreamOrNone(this.store, end.stream, {
        direction: 'backwards',
        fromRevision: from,
        maxCount: 200,
      });
      if (page.length === 0) return undefined;
      for (const e of page) {
        if (e.type === 'ConnectorRunStarted' && (e.data as RunStarted).runId === runId)
          return e.data as RunStarted;
      }
      from = page[page.length - 1]!.revision - 1;
    }
    return undefined;
  }
}
