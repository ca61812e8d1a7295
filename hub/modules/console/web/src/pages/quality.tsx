import { SelectField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorNotice, LiveStatus } from '../components/status.tsx';
import { DataTable, Paging, ResultsStatus } from '../components/table.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, paramsObject, useRoute } from '../router.tsx';
import { useQuery } from '../use-query.ts';

/** A figure of a dataset's source that crossed its threshold (`Finding`). */
interface Finding {
  id: string;
  dataset: string;
  source: string;
  dimension: string;
  metric: string;
  field: string | null;
  figure: number;
  currentFigure: number | null;
  threshold: number;
  bound: 'MIN' | 'MAX';
  count: number | null;
  of: number | null;
  since: string;
  raisedAt: string;
  open: boolean;
  closedAt: string | null;
  closingFigure: number | null;
  closeReason: string | null;
}

interface FindingExample {
  kind: string;
  id: string;
  dataset: string | null;
  with: { dataset: string; recordKey: string } | null;
  note: string | null;
}

interface DatasetQuality {
  dataset: string;
  openFindings: number;
  overall: {
    correct: { rows: number; validShare: number | null };
    complete: { requiredShare: number | null };
    clean: { duplicateShare: number | null };
  };
  sources: { source: string | null; live: { syncAgeHours: number | null } | null }[];
}

const FINDING =
  'id dataset source dimension metric field figure currentFigure threshold bound count of since raisedAt open closedAt closingFigure closeReason';
const FINDINGS = `query DataQualityFindings($open: Boolean, $after: String) {
  dataQualityFindings(open: $open, first: 50, after: $after) { total nextCursor findings { ${FINDING} } }
}`;
const ONE_FINDING = `query DataQualityFinding($id: ID!) {
  dataQualityFinding(id: $id) { ${FINDING} examples { kind id dataset with { dataset recordKey } note } }
}`;
const DATASETS = `query DataQuality {
  dataQuality {
    dataset openFindings
    overall { correct { rows validShare } complete { requiredShare } clean { duplicateShare } }
    sources { source live { syncAgeHours } }
  }
}`;

const SHOWN = ['open', 'closed', 'all'] as const;
type Shown = (typeof SHOWN)[number];

/** A figure as its metric reads: hours, or a share. */
function useFigure() {
  const { format, t } = useI18n();
  return (metric: string, value: number | null | undefined) => {
    if (value === null || value === undefined) return t.common.none;
    return metric.endsWith('-hours') ? t.quality.hours(format.number(value, 1)) : format.percent(value);
  };
}

function FindingDetail({ id }: { id: string }) {
  const { t, format } = useI18n();
  const route = useRoute();
  const figure = useFigure();
  const result = useQuery<{ dataQualityFinding: (Finding & { examples: FindingExample[] }) | null }>(
    ONE_FINDING,
    { id },
    id,
  );
  const finding = result.status === 'done' ? result.data.dataQualityFinding : undefined;
  const back = { ...paramsObject(route.params), finding: undefined };
  const rows: [string, string][] = finding
    ? [
        [t.quality.dataset, finding.dataset],
        [t.quality.source, finding.source],
        [t.quality.dimension, t.quality.dimensions[finding.dimension] ?? finding.dimension],
        [t.quality.metric, `${finding.metric}${finding.field ? ` (${finding.field})` : ''}`],
        [t.quality.figure, figure(finding.metric, finding.figure)],
        [
          t.quality.threshold,
          `${finding.bound === 'MIN' ? '≥' : '≤'} ${figure(finding.metric, finding.threshold)}`,
        ],
        ...(finding.count !== null && finding.of !== null
          ? [
              [
                t.quality.counted,
                t.quality.countOf(format.number(finding.count, 0), format.number(finding.of, 0)),
              ] as [string, string],
            ]
          : []),
        [t.quality.currentFigure, figure(finding.metric, finding.currentFigure)],
        [t.quality.since, format.dateTime(finding.since)],
        [t.quality.raisedAt, format.dateTime(finding.raisedAt)],
        [t.quality.status, finding.open ? t.quality.open : t.quality.closed],
        ...(finding.closedAt
          ? [
              [t.quality.closedAt, format.dateTime(finding.closedAt)] as [string, string],
              [t.quality.closeReason, finding.closeReason ?? t.common.none] as [string, string],
            ]
          : []),
      ]
    : [];
  return (
    <section aria-labelledby="finding-heading">
      <p className="breadcrumb">
        <Link page="quality" params={back}>
          {t.quality.back}
        </Link>
      </p>
      <h2 id="finding-heading">
        {t.quality.finding}: {finding ? `${finding.dataset} · ${finding.metric}` : id}
      </h2>
      <LiveStatus>{result.status === 'loading' ? t.common.loading : ''}</LiveStatus>
      {result.status === 'error' ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
      {result.status === 'done' && !finding ? <p role="alert">{t.quality.notFound}</p> : null}
      {finding ? (
        <>
          <dl className="card facts">
            {rows.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <DataTable
            caption={t.quality.examples}
            columns={[t.quality.exampleKind, t.quality.exampleId, t.quality.dataset, t.quality.note]}
          >
            {finding.examples.map((example) => (
              <tr key={`${example.kind}:${example.id}`}>
                <td>{t.quality.exampleKinds[example.kind] ?? example.kind}</td>
                <th scope="row" className="mono">
                  {example.kind === 'run' ? (
                    <Link page="lineage" params={{ by: 'node', id: `run:${example.id}` }}>
                      {example.id}
                    </Link>
                  ) : (
                    example.id
                  )}
                </th>
                <td>{example.dataset ?? finding.dataset}</td>
                <td>
                  {[
                    example.note,
                    example.with
                      ? t.quality.disagreesWith(example.with.dataset, example.with.recordKey)
                      : null,
                  ]
                    .filter(Boolean)
                    .join('; ') || t.common.none}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </section>
  );
}

function Datasets() {
  const { t, format } = useI18n();
  const result = useQuery<{ dataQuality: DatasetQuality[] }>(DATASETS, {}, 'datasets');
  const share = (value: number | null) => (value === null ? t.common.none : format.percent(value));
  if (result.status === 'error') return <ErrorNotice error={result.error} onRetry={result.reload} />;
  if (result.status !== 'done') return null;
  return (
    <DataTable
      caption={t.quality.datasets}
      captionHidden
      columns={[
        t.quality.dataset,
        t.quality.dimensions.CORRECT!,
        t.quality.dimensions.COMPLETE!,
        t.quality.dimensions.CLEAN!,
        t.quality.lastSync,
        t.quality.openFindings,
      ]}
    >
      {result.data.dataQuality.map((dataset) => {
        const ages = dataset.sources.flatMap((source) =>
          source.live?.syncAgeHours != null ? [source.live.syncAgeHours] : [],
        );
        return (
          <tr key={dataset.dataset}>
            <th scope="row">{dataset.dataset}</th>
            <td>{share(dataset.overall.correct.validShare)}</td>
            <td>{share(dataset.overall.complete.requiredShare)}</td>
            <td>
              {dataset.overall.clean.duplicateShare === null
                ? t.common.none
                : t.quality.duplicates(share(dataset.overall.clean.duplicateShare))}
            </td>
            <td>
              {ages.length > 0 ? t.quality.hoursAgo(format.number(Math.max(...ages), 1)) : t.common.none}
            </td>
            <td>{format.number(dataset.openFindings, 0)}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Data quality: each dataset's figures, the findings (open, closed or all), each opened on its own. */
export default function QualityPage() {
  const { t, format } = useI18n();
  const route = useRoute();
  const figure = useFigure();
  const shown = (SHOWN as readonly string[]).includes(route.params.get('show') ?? '')
    ? (route.params.get('show') as Shown)
    : 'open';
  const after = route.params.get('after') ?? undefined;
  const opened = route.params.get('finding') ?? undefined;
  const result = useQuery<{
    dataQualityFindings: { findings: Finding[]; nextCursor: string | null; total: number };
  }>(
    FINDINGS,
    opened ? undefined : { open: shown === 'all' ? null : shown === 'open', after: after ?? null },
    `${shown}:${after}:${opened}`,
  );
  const page = result.status === 'done' ? result.data.dataQualityFindings : undefined;
  return (
    <>
      <PageHeading>{t.quality.title}</PageHeading>
      <p className="intro">{t.quality.intro}</p>
      {opened ? (
        <FindingDetail id={opened} />
      ) : (
        <>
          <section aria-labelledby="datasets-heading">
            <h2 id="datasets-heading">{t.quality.datasets}</h2>
            <Datasets />
          </section>
          <section aria-labelledby="findings-heading">
            <h2 id="findings-heading">{t.quality.findings}</h2>
            <div className="card filters grid">
              <SelectField
                id="quality-show"
                label={t.quality.show}
                value={shown}
                onChange={(event) => navigate('quality', { show: event.target.value })}
              >
                {SHOWN.map((value) => (
                  <option key={value} value={value}>
                    {t.quality[value]}
                  </option>
                ))}
              </SelectField>
            </div>
            <ResultsStatus
              loading={result.status === 'loading'}
              shown={page?.findings.length}
              total={page?.total}
            />
            {result.status === 'error' ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
            {page && page.findings.length > 0 ? (
              <DataTable
                caption={t.quality.findings}
                captionHidden
                columns={[
                  t.quality.finding,
                  t.quality.source,
                  t.quality.dimension,
                  t.quality.figure,
                  t.quality.threshold,
                  t.quality.raisedAt,
                  t.quality.status,
                ]}
              >
                {page.findings.map((finding) => (
                  <tr key={finding.id}>
                    <th scope="row">
                      <Link page="quality" params={{ show: shown, finding: finding.id }}>
                        {finding.dataset} · {finding.metric}
                        {finding.field ? ` (${finding.field})` : ''}
                      </Link>
                    </th>
                    <td>{finding.source}</td>
                    <td>{t.quality.dimensions[finding.dimension] ?? finding.dimension}</td>
                    <td>{figure(finding.metric, finding.figure)}</td>
                    <td>
                      {finding.bound === 'MIN' ? '≥' : '≤'} {figure(finding.metric, finding.threshold)}
                    </td>
                    <td>{format.dateTime(finding.raisedAt)}</td>
                    <td>{finding.open ? t.quality.open : t.quality.closed}</td>
                  </tr>
                ))}
              </DataTable>
            ) : null}
            {page?.nextCursor ? (
              <Paging
                onNext={() => navigate('quality', { show: shown, after: page.nextCursor ?? undefined })}
              />
            ) : null}
          </section>
        </>
      )}
    </>
  );
}
