import type { ApiServices } from '../../api/graphql/kit/context.js';
import type { Clock } from '../../kernel/clock.js';
import { DataQualityUnknownDatasetError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition } from '../records/index.js';
import { findingKey } from './decider.js';
import { type DatasetQuality, datasetQuality } from './figures.js';
import {
  type FindingPage,
  type FindingView,
  findingById,
  findingsPage,
  openFindingCounts,
} from './findings.js';
import { judge } from './judge.js';

/** What the GraphQL resolvers, the CLI and the metrics read: figures and findings at the clock's now. */
export class DataQualityQueries {
  constructor(
    private readonly db: ReadModelDb,
    readonly datasets: ReadonlyMap<string, DatasetDefinition>,
    private readonly clock: Clock,
    /** Records inspectors' reads of findings, when the hub has the access-log module. */
    readonly inspections?: ApiServices['inspections'],
  ) {}

  private definition(name: string): DatasetDefinition {
    const def = this.datasets.get(name);
    if (!def) throw new DataQualityUnknownDatasetError(name, [...this.datasets.keys()]);
    return def;
  }

  /** The figures of one dataset (unknown: `DATA_QUALITY_UNKNOWN_DATASET`) or of all, in name order. */
  quality(dataset?: string | null): DatasetQuality[] {
    const now = this.clock();
    const defs = dataset ? [this.definition(dataset)] : [...this.datasets.values()];
    return defs.sort((a, b) => (a.name < b.name ? -1 : 1)).map((def) => datasetQuality(this.db, def, now));
  }

  /** Open findings by dataset and dimension. */
  openCounts() {
    return openFindingCounts(this.db);
  }

  findings(args: { open?: boolean | null; first?: number | null; after?: string | null }): FindingPage {
    return findingsPage(this.db, args);
  }

  finding(id: string): FindingView | undefined {
    return findingById(this.db, id);
  }

  /**
   * The figure a finding judges, now (null when it cannot be computed or is no longer judged);
   * `memo` keeps each dataset's figures for the findings of one answer.
   */
  currentFigure(f: FindingView, memo = new Map<string, Map<string, number | null>>()): number | null {
    let figures = memo.get(f.dataset);
    if (!figures) {
      const def = this.datasets.get(f.dataset);
      const now = this.clock();
      figures = new Map(
        def
          ? judge(this.db, def, datasetQuality(this.db, def, now), now).map((j) => [findingKey(j), j.figure])
          : [],
      );
      memo.set(f.dataset, figures);
    }
    return figures.get(findingKey(f)) ?? null;
  }
}
