import { SelectField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorNotice, LiveStatus } from '../components/status.tsx';
import { DataTable, Paging, ResultsStatus } from '../components/table.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, paramsObject, useRoute } from '../router.tsx';
import { useQuery } from '../use-query.ts';

/** A data-quality finding: a figure of a dataset past its threshold. */
interface Finding {
  id: string;
  dataset: string;
  source: string | null;
  dimension: string;
  measure: string;
  value: number;
  threshold: number;
  raisedAt: string;
  open: boolean;
  detail: string | null;
}

interface FindingPage {
  entries: Finding[];
  nextCursor: string | null;
  total: number;
}

const FINDING = 'id dataset source dimension measure value threshold raisedAt open detail';
const FINDINGS = `query DataQualityFindings($open: Boolean, $after: String) {
  dataQualityFindings(open: $open, first: 50, after: $after) { total nextCursor entries { ${FINDING} } }
}`;
const ONE_FINDING = `query DataQualityFinding($id: ID!) { dataQualityFinding(id: $id) { ${FINDING} } }`;

const SHOWN = ['open', 'closed', 'all'] as const;
type Shown = (typeof SHOWN)[number];

function FindingDetail({ id }: { id: string }) {
  const { t, format } = useI18n();
  const route = useRoute();
  const result = useQuery<{ dataQualityFinding: Finding | null }>(ONE_FINDING, { id }, id);
  const finding = result.status === 'done' ? result.data.dataQualityFinding : undefined;
  const back = { ...paramsObject(route.params), finding: undefined };
  return (
    <section aria-labelledby="finding-heading">
      <p className="breadcrumb">
        <Link page="quality" params={back}>
          {t.quality.back}
        </Link>
      </p>
      <h2 id="finding-heading">
        {t.quality.finding} <span className="mono">{id}</span>
      </h2>
      <LiveStatus>{result.status === 'loading' ? t.common.loading : ''}</LiveStatus>
      {result.status === 'error' ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
      {result.status === 'done' && !finding ? <p role="alert">{t.quality.notFound}</p> : null}
      {finding ? (
        <dl className="card">
          <dt>{t.quality.dataset}</dt>
          <dd>{finding.dataset}</dd>
          <dt>{t.quality.source}</dt>
          <dd>{finding.source ?? t.common.none}</dd>
          <dt>{t.quality.dimension}</dt>
          <dd>{t.quality.dimensions[finding.dimension] ?? finding.dimension}</dd>
          <dt>{t.quality.measure}</dt>
          <dd>{finding.measure}</dd>
          <dt>{t.quality.value}</dt>
          <dd>{format.number(finding.value, 4)}</dd>
          <dt>{t.quality.threshold}</dt>
          <dd>{format.number(finding.threshold, 4)}</dd>
          <dt>{t.quality.raisedAt}</dt>
          <dd>{format.dateTime(finding.raisedAt)}</dd>
          <dt>{t.quality.status}</dt>
          <dd>{finding.open ? t.quality.open : t.quality.closed}</dd>
          {finding.detail ? (
            <>
              <dt>{t.quality.details}</dt>
              <dd>{finding.detail}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

/** Data-quality findings: the list (open, closed or all), each opened on its own. */
export default function QualityPage() {
  const { t, format } = useI18n();
  const route = useRoute();
  const shown = (SHOWN as readonly string[]).includes(route.params.get('show') ?? '')
    ? (route.params.get('show') as Shown)
    : 'open';
  const after = route.params.get('after') ?? undefined;
  const opened = route.params.get('finding') ?? undefined;
  const result = useQuery<{ dataQualityFindings: FindingPage }>(
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
        <section aria-labelledby="findings-heading">
          <h2 id="findings-heading">{t.quality.findings}</h2>
          <div className="card filters">
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
            shown={page?.entries.length}
            total={page?.total}
          />
          {result.status === 'error' ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
          {page && page.entries.length > 0 ? (
            <DataTable
              caption={t.quality.findings}
              captionHidden
              columns={[
                t.quality.finding,
                t.quality.dataset,
                t.quality.source,
                t.quality.dimension,
                t.quality.value,
                t.quality.threshold,
                t.quality.raisedAt,
              ]}
            >
              {page.entries.map((finding) => (
                <tr key={finding.id}>
                  <th scope="row">
                    <Link page="quality" params={{ show: shown, finding: finding.id }}>
                      {finding.measure}
                    </Link>
                  </th>
                  <td>{finding.dataset}</td>
                  <td>{finding.source ?? t.common.none}</td>
                  <td>{t.quality.dimensions[finding.dimension] ?? finding.dimension}</td>
                  <td>{format.number(finding.value, 4)}</td>
                  <td>{format.number(finding.threshold, 4)}</td>
                  <td>{format.dateTime(finding.raisedAt)}</td>
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
      )}
    </>
  );
}
