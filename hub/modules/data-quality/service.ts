import type { Clock } from '../../kernel/clock.js';
import { handleCommand, newCommandMeta } from '../../kernel/decider/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';
import { randomId } from '../../kernel/ids.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition } from '../records/index.js';
import type { DataQualityCommand } from './commands.js';
import { dataQualityDecider } from './decider.js';
import {
  type DataQualityFindingClosedData,
  type DataQualityFindingRaisedData,
  dataQualityStream,
} from './events.js';
import { datasetQuality } from './figures.js';
import { judge } from './judge.js';

/** The evaluator that raises findings in the background. */
export const EVALUATOR: Actor = { kind: 'system', id: 'data-quality' };

export interface EvaluationResult {
  raised: DataQualityFindingRaisedData[];
  closed: DataQualityFindingClosedData[];
}

export interface EvaluatorDeps {
  store: EventStore;
  /** The read model `data-quality`, caught up (the figures are read from it). */
  db: ReadModelDb;
  datasets: ReadonlyMap<string, DatasetDefinition>;
  clock: Clock;
  actor?: Actor;
}

/**
 * Holds every figure of every dataset's sources against the dataset's thresholds, at the clock's
 * now, and records the outcome on each dataset's stream `dataquality-<dataset>`: a figure beyond its
 * threshold with no open finding raises `DataQualityFindingRaised` (with examples to open), an
 * open finding whose figure is back within closes with `DataQualityFindingClosed`. Nothing is
 * appended when nothing changed; two evaluators at once decide the same events (fixed ids), and the
 * stream's expected revision lets only one append them.
 */
export async function evaluateDataQuality(deps: EvaluatorDeps): Promise<EvaluationResult> {
  const now = deps.clock();
  const result: EvaluationResult = { raised: [], closed: [] };
  const issuer = { actor: deps.actor ?? EVALUATOR, correlationId: randomId() };
  for (const def of deps.datasets.values()) {
    const judgements = judge(deps.db, def, datasetQuality(deps.db, def, now), now);
    const { events } = await handleCommand(
      deps.store,
      dataQualityStream(def.name),
      dataQualityDecider,
      (): DataQualityCommand => ({
        type: 'EvaluateDataQuality',
        data: { dataset: def.name, judgements },
        meta: newCommandMeta(issuer, () => now),
      }),
    );
    for (const e of events) {
      if (e.type === 'DataQualityFindingRaised') result.raised.push(e.data);
      else result.closed.push(e.data);
    }
  }
  return result;
}
