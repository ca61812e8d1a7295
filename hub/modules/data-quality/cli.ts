import type { Command } from 'commander';
import { type GlobalOptions, type Session, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { CLI_ACTOR, validated } from '../../cli/kit/registry-session.js';
import { systemClock } from '../../kernel/clock.js';
import { DataQualityInputError } from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { loadDatasets } from '../records/index.js';
import type { DataQualityFindingClosedData, DataQualityFindingRaisedData } from './events.js';
import type { QualityFigures } from './figures.js';
import type { FindingView } from './findings.js';
import { DataQualityQueries } from './queries.js';
import { evaluateDataQuality } from './service.js';
import { DATA_QUALITY_MODEL } from './tables.js';

const percent = (share: number | null | undefined) =>
  share === null || share === undefined ? '–' : `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
const hours = (h: number | null | undefined) => (h === null || h === undefined ? '–' : `${h.toFixed(1)} h`);

/** The read model caught up with the store, and queries over it at the system clock's now. */
async function caughtUp({ runner, db }: Session): Promise<DataQualityQueries> {
  await runner.catchUp(DATA_QUALITY_MODEL);
  return new DataQualityQueries(db, loadDatasets(), systemClock);
}

/** The worst conflict share among a source's attributes. */
const worstConflict = (f: QualityFigures) => {
  const shares = f.clean.attributes.map((a) => a.conflictShare).filter((s): s is number => s !== null);
  return shares.length > 0 ? Math.max(...shares) : null;
};

function reportRow(f: QualityFigures, open: number): (string | number)[] {
  return [
    f.dataset,
    f.source ?? '(all)',
    f.correct.rows,
    percent(f.correct.validShare),
    percent(f.complete.requiredShare),
    f.clean.records,
    percent(f.clean.duplicateShare),
    percent(worstConflict(f)),
    hours(f.live?.syncAgeHours),
    hours(f.live?.sourceLagHours),
    f.source === null ? open : '',
  ];
}

const findingLine = (f: DataQualityFindingRaisedData | DataQualityFindingClosedData) =>
  `${f.findingId}  ${f.dataset}  ${f.source}  ${f.metric}${f.field ? ` ${f.field}` : ''}`;

const findingRow = (f: FindingView) => [
  f.id,
  f.open ? 'open' : `closed (${f.closeReason})`,
  f.dataset,
  f.source,
  `${f.metric}${f.field ? ` ${f.field}` : ''}`,
  f.metric.endsWith('hours') ? hours(f.figure) : percent(f.figure),
  `${f.bound === 'min' ? '≥' : '≤'} ${f.metric.endsWith('hours') ? hours(f.threshold) : percent(f.threshold)}`,
  f.since,
];

/** `hub quality …`: the data-quality figures of the shared datasets and their findings. */
export function registerDataQualityCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('quality')
    .description('data quality of the shared datasets: correct, complete, clean, live; findings');

  group
    .command('report')
    .description(
      'a table of every dataset (all its sources, then each source): rows and valid share, lowest required-field share, records, duplicate share, worst value-conflict share, sync age, source lag, open findings',
    )
    .option('--dataset <name>', 'one dataset (e.g. population)')
    .option('--json', 'print the figures as JSON')
    .action(async (options: { dataset?: string; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const { figures, open } = await withSession(global, projections, async (session) => {
        const q = await caughtUp(session);
        return { figures: q.quality(options.dataset), open: q.openCounts() };
      });
      if (options.json) return console.log(JSON.stringify(figures, null, 2));
      const openOf = (dataset: string) =>
        open.filter((c) => c.dataset === dataset).reduce((n, c) => n + c.n, 0);
      const rows = figures.flatMap((d) =>
        [d.overall, ...d.sources].map((f) => reportRow(f, openOf(d.dataset))),
      );
      console.log(
        table(
          [
            'DATASET',
            'SOURCE',
            'ROWS',
            'VALID',
            'REQUIRED',
            'RECORDS',
            'DUPLICATES',
            'CONFLICTS',
            'SYNC AGE',
            'SOURCE LAG',
            'OPEN FINDINGS',
          ],
          rows,
        ),
      );
    });

  group
    .command('evaluate')
    .description('hold every figure against its dataset thresholds now: raise and close findings')
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const result = await withSession(global, projections, async (session) => {
        await session.runner.catchUp(DATA_QUALITY_MODEL);
        return evaluateDataQuality({
          store: validated(session.store),
          db: session.db,
          datasets: loadDatasets(),
          clock: systemClock,
          actor: CLI_ACTOR,
        });
      });
      for (const f of result.raised) console.log(`raised  ${findingLine(f)}`);
      for (const f of result.closed) console.log(`closed  ${findingLine(f)}  (${f.reason})`);
      console.log(`${result.raised.length} finding(s) raised, ${result.closed.length} closed`);
    });

  group
    .command('findings')
    .description('findings, newest first')
    .option('--open', 'open findings only')
    .option('--closed', 'closed findings only')
    .option('--first <n>', 'at most this many (1–100)', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(
      async (
        options: { open?: boolean; closed?: boolean; first: number; json?: boolean },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        if (options.open && options.closed)
          throw new DataQualityInputError('--open/--closed', 'give at most one');
        const open = options.open ? true : options.closed ? false : null;
        const page = await withSession(global, projections, async (session) =>
          (await caughtUp(session)).findings({ open, first: options.first }),
        );
        if (options.json) return console.log(JSON.stringify(page, null, 2));
        console.log(
          table(
            ['ID', 'STATUS', 'DATASET', 'SOURCE', 'FIGURE', 'VALUE', 'THRESHOLD', 'SINCE'],
            page.findings.map(findingRow),
          ),
        );
        console.log(`${page.findings.length} of ${page.total} finding(s)`);
      },
    );
}
