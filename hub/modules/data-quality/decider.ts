import type { Decider } from '../../kernel/decider/index.js';
import { UnknownCommandError } from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import type { DataQualityCommand, EvaluateDataQuality, Judgement } from './commands.js';
import {
  DATA_QUALITY_NAMESPACE,
  type DataQualityEvent,
  type DataQualityFindingClosed,
  type DataQualityFindingRaised,
  type QualityMetric,
} from './events.js';

/** The findings of one dataset: those open, by what they judge, and how many each key has had. */
export interface FindingsState {
  open: ReadonlyMap<string, OpenFinding>;
  raised: ReadonlyMap<string, number>;
}

/** An open finding: its id and what it judges. */
export interface OpenFinding {
  findingId: string;
  source: string;
  metric: QualityMetric;
  field: string | null;
}

/** What a finding judges: one figure of one source (`<source>/<metric>/<field>`). */
export const findingKey = (f: { source: string; metric: QualityMetric; field: string | null }) =>
  `${f.source}/${f.metric}/${f.field ?? ''}`;

export const initialState = (): FindingsState => ({ open: new Map(), raised: new Map() });

export function evolve(state: FindingsState, event: DataQualityEvent): FindingsState {
  const key = findingKey(event.data);
  if (event.type === 'DataQualityFindingRaised') {
    const { findingId, source, metric, field } = event.data;
    const open = new Map(state.open).set(key, { findingId, source, metric, field });
    const raised = new Map(state.raised).set(key, (state.raised.get(key) ?? 0) + 1);
    return { open, raised };
  }
  if (event.type === 'DataQualityFindingClosed' && state.open.get(key)?.findingId === event.data.findingId) {
    const open = new Map(state.open);
    open.delete(key);
    return { ...state, open };
  }
  return state;
}

/** Whether a figure is beyond its threshold. */
export const breached = (j: Pick<Judgement, 'figure' | 'threshold' | 'bound'>): boolean =>
  j.figure !== null && (j.bound === 'min' ? j.figure < j.threshold : j.figure > j.threshold);

/**
 * The n-th finding on one key of one dataset has a fixed id (`UUIDv5` of dataset, key and n), and
 * so have its events: two evaluators deciding the same raise write the same events.
 */
export const findingId = (dataset: string, key: string, n: number) =>
  deterministicId(DATA_QUALITY_NAMESPACE, dataset, key, n);

function evaluate({ data, meta }: EvaluateDataQuality, state: FindingsState): DataQualityEvent[] {
  const events: DataQualityEvent[] = [];
  const judged = new Map(data.judgements.map((j) => [findingKey(j), j]));
  for (const [key, { findingId: id, source, metric, field }] of state.open) {
    const j = judged.get(key);
    if (j && breached(j)) continue;
    const closed: DataQualityFindingClosed = {
      id: deterministicId(DATA_QUALITY_NAMESPACE, id, 'closed'),
      type: 'DataQualityFindingClosed',
      data: {
        findingId: id,
        dataset: data.dataset,
        source,
        metric,
        field,
        figure: j?.figure ?? null,
        threshold: j?.threshold ?? null,
        reason: !j ? 'not-judged' : j.figure === null ? 'no-data' : 'recovered',
      },
      metadata: meta.metadata,
    };
    events.push(closed);
  }
  for (const [key, j] of judged) {
    if (!breached(j) || state.open.has(key)) continue;
    const id = findingId(data.dataset, key, (state.raised.get(key) ?? 0) + 1);
    const raised: DataQualityFindingRaised = {
      id: deterministicId(DATA_QUALITY_NAMESPACE, id, 'raised'),
      type: 'DataQualityFindingRaised',
      data: {
        findingId: id,
        dataset: data.dataset,
        source: j.source,
        dimension: j.dimension,
        metric: j.metric,
        field: j.field,
        figure: j.figure!,
        threshold: j.threshold,
        bound: j.bound,
        ...(j.count !== undefined ? { count: j.count, of: j.of } : {}),
        since: j.since,
        examples: j.examples?.() ?? [],
      },
      metadata: meta.metadata,
    };
    events.push(raised);
  }
  return events;
}

export function decide(command: DataQualityCommand, state: FindingsState): DataQualityEvent[] {
  switch (command.type) {
    case 'EvaluateDataQuality':
      return evaluate(command, state);
    default: {
      const never: never = command.type;
      throw new UnknownCommandError({ type: never });
    }
  }
}

/** The findings of one dataset (stream `dataquality-<dataset>`). */
export const dataQualityDecider: Decider<DataQualityCommand, FindingsState, DataQualityEvent> = {
  decide,
  evolve,
  initialState,
};
