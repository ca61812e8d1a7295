import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { type CommandMeta, DeciderSpecification } from '../../kernel/decider/index.js';
import { deterministicId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { EvaluateDataQuality, Judgement } from './commands.js';
import { breached, dataQualityDecider, findingId } from './decider.js';
import {
  DATA_QUALITY_NAMESPACE,
  type DataQualityEvent,
  type DataQualityFindingClosed,
  type DataQualityFindingRaised,
} from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(dataQualityDecider, { validate: (e) => validator.validate(e) });

const NOW = '2026-12-01T08:00:00.000Z';
const meta: CommandMeta = {
  now: NOW,
  eventId: '9b2f6a0e-1c4d-4f8e-8a3b-7d5e6f708192',
  metadata: buildMetadata({
    occurredAt: NOW,
    actor: { kind: 'system', id: 'data-quality' },
    correlationId: 'c-1',
  }),
};
const DEAD_LETTER = '5d0c7f5e-3c1b-4e7a-9a52-0b6f8f2d9e11';

/** The valid share of population-sql's rows against 0.99. */
const validShare = (figure: number | null): Judgement => ({
  source: 'population-sql',
  dimension: 'correct',
  metric: 'valid-share',
  field: null,
  figure,
  threshold: 0.99,
  bound: 'min',
  count: 46,
  of: 50,
  since: '2026-12-01T07:00:00.000Z',
  examples: () => [{ kind: 'dead-letter', id: DEAD_LETTER }],
});
const evaluate = (...judgements: Judgement[]): EvaluateDataQuality => ({
  type: 'EvaluateDataQuality',
  data: { dataset: 'population', judgements },
  meta,
});

const KEY = 'population-sql/valid-share/';
const raised = (n: number): DataQualityFindingRaised => {
  const id = findingId('population', KEY, n);
  return {
    id: deterministicId(DATA_QUALITY_NAMESPACE, id, 'raised'),
    type: 'DataQualityFindingRaised',
    data: {
      findingId: id,
      dataset: 'population',
      source: 'population-sql',
      dimension: 'correct',
      metric: 'valid-share',
      field: null,
      figure: 0.92,
      threshold: 0.99,
      bound: 'min',
      count: 46,
      of: 50,
      since: '2026-12-01T07:00:00.000Z',
      examples: [{ kind: 'dead-letter', id: DEAD_LETTER }],
    },
    metadata: meta.metadata,
  };
};
const closed = (
  n: number,
  figure: number | null,
  threshold: number | null,
  reason: DataQualityFindingClosed['data']['reason'],
): DataQualityFindingClosed => {
  const id = findingId('population', KEY, n);
  return {
    id: deterministicId(DATA_QUALITY_NAMESPACE, id, 'closed'),
    type: 'DataQualityFindingClosed',
    data: {
      findingId: id,
      dataset: 'population',
      source: 'population-sql',
      metric: 'valid-share',
      field: null,
      figure,
      threshold,
      reason,
    },
    metadata: meta.metadata,
  };
};

describe('the findings of a dataset', () => {
  it('are raised when a figure crosses its threshold, once, with a fixed id', () => {
    given([])
      .when(evaluate(validShare(0.92)))
      .then([raised(1)]);
    given([raised(1)])
      .when(evaluate(validShare(0.5)))
      .thenNothing();
    given([])
      .when(evaluate(validShare(0.99), validShare(null)))
      .thenNothing();
  });

  it('close when the figure recovers, cannot be computed, or is no longer judged', () => {
    given([raised(1)])
      .when(evaluate(validShare(1)))
      .then([closed(1, 1, 0.99, 'recovered')]);
    given([raised(1)])
      .when(evaluate(validShare(null)))
      .then([closed(1, null, 0.99, 'no-data')]);
    given([raised(1)])
      .when(evaluate())
      .then([closed(1, null, null, 'not-judged')]);
  });

  it('raise a new finding with a new id when the figure crosses again after closing', () => {
    const events: DataQualityEvent[] = [raised(1), closed(1, 1, 0.99, 'recovered')];
    given(events)
      .when(evaluate(validShare(0.92)))
      .then([raised(2)]);
    expect(raised(2).data.findingId).not.toBe(raised(1).data.findingId);
  });

  it('judge a minimum and a maximum on the right side of the threshold, equality within', () => {
    expect(breached({ figure: 0.98, threshold: 0.99, bound: 'min' })).toBe(true);
    expect(breached({ figure: 0.99, threshold: 0.99, bound: 'min' })).toBe(false);
    expect(breached({ figure: 27, threshold: 26, bound: 'max' })).toBe(true);
    expect(breached({ figure: 26, threshold: 26, bound: 'max' })).toBe(false);
    expect(breached({ figure: null, threshold: 26, bound: 'max' })).toBe(false);
  });
});
