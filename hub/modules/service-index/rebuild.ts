import { fieldsRowOf } from '../../kernel/event-fields.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionRebuilder, RebuildSplit } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { eventTypes as dossierEventTypes } from '../dossiers/index.js';
import type { MethodSet } from './method.js';
import { IndexPart, type PartArgs, type PartResult } from './part.js';
import { CREATE_INDEXES, DROP_INDEXES, type Statements } from './tables.js';

export { procedureFacts, reportRow } from './part.js';

export const DOSSIER_TYPES: ReadonlySet<string> = new Set(dossierEventTypes);

/**
 * Writes the parts' results into the emptied model: the catalogue and the reports (every part read
 * them all) and the papers waiting; each dossier's row once, in dossier-id order, with the agency
 * keys numbered as they first appear; each counter once (the sum over the parts), in key order;
 * the horizon; then the dossier indexes, built after the rows.
 */
export function writeParts(
  db: ReadModelDb,
  sql: Statements,
  results: readonly PartResult[],
  horizon: number,
) {
  const first = results[0]!;
  for (const row of first.procedures) sql.putProcedure.run(...row);
  for (const row of first.reports) sql.putReport.run(...row);
  for (const { pending } of results) for (const row of pending) sql.addPending.run(...row);
  db.exec(DROP_INDEXES);
  const keys = new Map<string, number>();
  const keyOf = (organ: string) => {
    let key = keys.get(organ);
    if (key === undefined) {
      key = Number(sql.addAgency.run(organ).lastInsertRowid);
      keys.set(organ, key);
    }
    return key;
  };
  const partKeys = results.map((r) => r.agencies.map(keyOf));
  const rows = results.flatMap((r, part) =>
    r.dossiers.map((row) => {
      row[1] = partKeys[part]![row[1] as number];
      return row;
    }),
  );
  if (results.length > 1) rows.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  for (const row of rows) sql.insertDossier.run(...row);
  /** slot × 1e6 + agency key (agency keys stay below a million). */
  const counters = new Map<number, number>();
  results.forEach((r, part) => {
    const c = r.counters;
    for (let i = 0; i < c.length; i += 3) {
      const k = c[i + 1]! * 1e6 + partKeys[part]![c[i]!]!;
      counters.set(k, (counters.get(k) ?? 0) + c[i + 2]!);
    }
  });
  const counts: [period: number, agency: number, measure: number, value: number][] = [];
  for (const [k, value] of counters) {
    if (value === 0) continue;
    const slot = Math.floor(k / 1e6);
    const period = Math.floor(slot / 1000);
    counts.push([period, k - slot * 1e6, slot - period * 1000, value]);
  }
  counts.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (const row of counts) sql.putCount.run(...row);
  if (horizon !== 0) sql.setMeta.run('horizon', horizon);
  db.exec(CREATE_INDEXES);
}

/**
 * The service index rebuilt from zero in memory (`ProjectionHandler.rebuilder`): its `split` folds
 * fields reads in parts (`IndexPart`), in worker threads when the methods came from files they
 * can compile again; `apply` and `write` do the same with one part over whole events.
 */
export class IndexRebuild implements ProjectionRebuilder {
  private readonly local: IndexPart;
  readonly split: RebuildSplit;

  constructor(
    private readonly db: ReadModelDb,
    private readonly sql: Statements,
    methods: MethodSet,
  ) {
    this.local = new IndexPart(methods, dossierEventTypes);
    let horizon = 0;
    const args: PartArgs | null = methods.files
      ? {
          methods: { files: methods.files, fingerprint: methods.fingerprint },
          dossierTypes: dossierEventTypes,
        }
      : null;
    this.split = {
      module: args && new URL('./part.ts', import.meta.url).href,
      args,
      part: () => new IndexPart(methods, dossierEventTypes),
      combine: (summaries) => {
        horizon = Math.max(0, ...(summaries as number[]));
        return horizon;
      },
      write: (results) => writeParts(db, sql, results as PartResult[], horizon),
    };
  }

  apply(event: RecordedEvent): void {
    const paths = this.local.types[event.type];
    if (paths) this.local.apply(fieldsRowOf(event, paths));
  }

  write(): void {
    const horizon = this.local.folded();
    writeParts(this.db, this.sql, [this.local.finish(horizon)], horizon);
  }
}
