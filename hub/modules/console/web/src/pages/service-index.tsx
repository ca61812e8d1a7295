import { type FormEvent, useState } from 'react';
import { saveFile } from '../api.ts';
import { ChartFigure, ComparisonChart } from '../components/chart.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorNotice, LiveStatus, useErrorMessage } from '../components/status.tsx';
import { DataTable, Paging, ResultsStatus } from '../components/table.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, type Params, paramsObject, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useQuery } from '../use-query.ts';

interface Indicator {
  code: string;
  name: string;
  group: string | null;
  points: number;
  external: boolean;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  score: number | null;
  target: number;
}

interface Group {
  code: string;
  name: string;
  points: number;
  score: number;
  measuredPoints: number;
  indicators: Indicator[];
}

interface Figures {
  carriedOver: number;
  new: number;
  received: number;
  finished: number;
  inProgress: number;
  overdue: number | null;
}

interface ServiceIndex {
  method: { id: string; title: string };
  period: string;
  scope: string;
  judgedAt: string;
  totalPoints: number;
  score: number;
  measuredPoints: number;
  groups: Group[];
  figures: Figures;
}

interface IndicatorDetail {
  code: string;
  name: string;
  group: string | null;
  numeratorDefinition: string | null;
  denominatorDefinition: string | null;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

interface DossierPage {
  total: number;
  edges: { cursor: string; dossierId: string; agency: string; value: number }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const INDICATOR_FIELDS = 'code name group points external numerator denominator value score target';
const INDEX = `query ServiceIndex($period: String!, $scope: ServiceIndexScope) {
  serviceIndex(period: $period, scope: $scope) {
    method { id title } period scope judgedAt totalPoints score measuredPoints
    groups { code name points score measuredPoints indicators { ${INDICATOR_FIELDS} } }
    figures { carriedOver new received finished inProgress overdue }
  }
}`;
const INDICATOR = `query ServiceIndexIndicator($period: String!, $scope: ServiceIndexScope, $indicator: String!) {
  serviceIndexIndicator(period: $period, scope: $scope, indicator: $indicator) {
    code name group numeratorDefinition denominatorDefinition numerator denominator value
  }
}`;
const FIGURE_ARGS =
  '$period: String!, $scope: ServiceIndexScope, $indicator: String, $part: ServiceIndexPart, $figure: ServiceIndexFigure';
const FIGURE_VALUES = 'period: $period, scope: $scope, indicator: $indicator, part: $part, figure: $figure';
const DOSSIERS = `query ServiceIndexDossiers(${FIGURE_ARGS}, $after: String) {
  serviceIndexDossiers(${FIGURE_VALUES}, first: 50, after: $after) {
    total edges { cursor dossierId agency value } pageInfo { hasNextPage endCursor }
  }
}`;
const DOSSIERS_CSV = `query ServiceIndexDossiersCsv(${FIGURE_ARGS}) { serviceIndexDossiersCsv(${FIGURE_VALUES}) }`;

const SCOPES = ['all', 'agency', 'level', 'province'] as const;
type ScopeKind = (typeof SCOPES)[number];
const FIGURES: readonly [keyof Figures, string][] = [
  ['carriedOver', 'CARRIED_OVER'],
  ['new', 'NEW'],
  ['received', 'RECEIVED'],
  ['finished', 'FINISHED'],
  ['inProgress', 'IN_PROGRESS'],
  ['overdue', 'OVERDUE'],
];

/** This year in Vietnam: the period the dashboard opens on. */
const thisYear = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format();

interface View {
  period: string;
  scope: ScopeKind;
  scopeValue: string;
  group?: string;
  indicator?: string;
  part?: 'NUMERATOR' | 'DENOMINATOR';
  figure?: string;
  after?: string;
}

function viewOf(params: URLSearchParams): View {
  const scope = params.get('scope') as ScopeKind | null;
  const part = params.get('part');
  return {
    period: params.get('period') || thisYear(),
    scope: scope && SCOPES.includes(scope) ? scope : 'all',
    scopeValue: params.get('scopeValue') ?? '',
    group: params.get('group') ?? undefined,
    indicator: params.get('indicator') ?? undefined,
    part: part === 'DENOMINATOR' ? 'DENOMINATOR' : part === 'NUMERATOR' ? 'NUMERATOR' : undefined,
    figure: params.get('figure') ?? undefined,
    after: params.get('after') ?? undefined,
  };
}

const scopeInput = (view: View) =>
  view.scope === 'all' || !view.scopeValue ? null : { [view.scope]: view.scopeValue };

/** The period and scope part of the address, with more. */
const at = (view: View, more: Params = {}): Params => ({
  period: view.period,
  scope: view.scope === 'all' ? undefined : view.scope,
  scopeValue: view.scope === 'all' ? undefined : view.scopeValue,
  ...more,
});

function PeriodForm({ view }: { view: View }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(view);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate('service-index', at(draft));
  };
  return (
    <form className="card filters" onSubmit={submit}>
      <div className="grid">
        <TextField
          id="si-period"
          label={t.serviceIndex.period}
          hint={t.serviceIndex.periodHint}
          pattern="\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?"
          required
          value={draft.period}
          onChange={(event) => setDraft({ ...draft, period: event.target.value })}
        />
        <SelectField
          id="si-scope"
          label={t.serviceIndex.scope}
          value={draft.scope}
          onChange={(event) => setDraft({ ...draft, scope: event.target.value as ScopeKind })}
        >
          {SCOPES.map((scope) => (
            <option key={scope} value={scope}>
              {t.serviceIndex.scopes[scope]}
            </option>
          ))}
        </SelectField>
        {draft.scope === 'all' ? null : (
          <TextField
            id="si-scope-value"
            label={t.serviceIndex.scopeValue}
            required
            value={draft.scopeValue}
            onChange={(event) => setDraft({ ...draft, scopeValue: event.target.value })}
          />
        )}
      </div>
      <div className="buttons">
        <button type="submit">{t.serviceIndex.show}</button>
      </div>
    </form>
  );
}

function rateOf(indicator: Pick<Indicator, 'value'>, percent: (rate: number) => string, none: string) {
  return indicator.value === null ? none : percent(indicator.value);
}

function Overview({ index, view }: { index: ServiceIndex; view: View }) {
  const { t, format } = useI18n();
  const summary = index.groups
    .map((group) => `${group.name} ${format.number(group.score)}/${format.number(group.points)}`)
    .join('; ');
  return (
    <>
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">{t.serviceIndex.groups}</h2>
        <ChartFigure
          id="groups-chart"
          title={t.serviceIndex.groupsChart}
          summary={t.serviceIndex.groupsChartSummary(summary)}
        >
          <ComparisonChart
            data={index.groups.map((group) => ({
              name: group.name,
              code: group.code,
              value: group.score,
              reference: group.points,
            }))}
            valueName={t.serviceIndex.earned}
            referenceName={t.serviceIndex.maxPoints}
            onOpen={(code) => navigate('service-index', at(view, { group: code }))}
          />
        </ChartFigure>
        <DataTable
          caption={t.serviceIndex.groups}
          columns={[
            t.serviceIndex.group,
            t.serviceIndex.earned,
            t.serviceIndex.measured,
            t.serviceIndex.maxPoints,
          ]}
        >
          {index.groups.map((group) => (
            <tr key={group.code}>
              <th scope="row">
                <Link page="service-index" params={at(view, { group: group.code })}>
                  {group.name}
                </Link>
              </th>
              <td>{format.number(group.score)}</td>
              <td>{format.number(group.measuredPoints)}</td>
              <td>{format.number(group.points)}</td>
            </tr>
          ))}
        </DataTable>
      </section>
      <section aria-labelledby="figures-heading">
        <h2 id="figures-heading">{t.serviceIndex.figures}</h2>
        <DataTable
          caption={t.serviceIndex.figures}
          captionHidden
          columns={[t.serviceIndex.total, t.serviceIndex.dossiers]}
        >
          {FIGURES.map(([key, figure]) => (
            <tr key={figure}>
              <th scope="row">{t.serviceIndex.figureNames[figure]}</th>
              <td>
                {index.figures[key] === null ? (
                  t.common.none
                ) : (
                  <Link page="service-index" params={at(view, { figure })}>
                    {format.number(index.figures[key] ?? 0, 0)}
                    <span className="visually-hidden">
                      {' '}
                      — {t.serviceIndex.dossiersOf(t.serviceIndex.figureNames[figure] ?? figure)}
                    </span>
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </>
  );
}

function GroupView({ group, view }: { group: Group; view: View }) {
  const { t, format } = useI18n();
  const measured = group.indicators.filter((indicator) => indicator.value !== null);
  const summary = measured
    .map(
      (indicator) =>
        `${indicator.name} ${format.percent(indicator.value ?? 0)} / ${format.percent(indicator.target)}`,
    )
    .join('; ');
  const none = t.serviceIndex.notMeasured;
  return (
    <section aria-labelledby="group-heading">
      <p className="breadcrumb">
        <Link page="service-index" params={at(view)}>
          {t.serviceIndex.backToGroups}
        </Link>
      </p>
      <h2 id="group-heading">
        {group.name}: {format.number(group.score)} / {format.number(group.points)} {t.serviceIndex.points}
      </h2>
      {measured.length > 0 ? (
        <ChartFigure
          id="indicators-chart"
          title={t.serviceIndex.indicatorsChart}
          summary={t.serviceIndex.indicatorsChartSummary(summary)}
        >
          <ComparisonChart
            data={measured.map((indicator) => ({
              name: indicator.name,
              value: Math.round((indicator.value ?? 0) * 1000) / 10,
              reference: Math.round(indicator.target * 1000) / 10,
            }))}
            valueName={t.serviceIndex.rate}
            referenceName={t.serviceIndex.target}
            unit="%"
            domain={[0, 100]}
          />
        </ChartFigure>
      ) : null}
      <DataTable
        caption={t.serviceIndex.indicators}
        columns={[
          t.serviceIndex.indicator,
          t.serviceIndex.numerator,
          t.serviceIndex.denominator,
          t.serviceIndex.rate,
          t.serviceIndex.target,
          t.serviceIndex.points,
        ]}
      >
        {group.indicators.map((indicator) => (
          <tr key={indicator.code}>
            <th scope="row">
              {indicator.name}
              {indicator.external ? ` (${t.serviceIndex.external})` : ''}
            </th>
            {(['NUMERATOR', 'DENOMINATOR'] as const).map((part) => {
              const value = part === 'NUMERATOR' ? indicator.numerator : indicator.denominator;
              return (
                <td key={part}>
                  {value === null ? (
                    t.common.none
                  ) : (
                    <Link page="service-index" params={at(view, { indicator: indicator.code, part })}>
                      {format.number(value)}
                      <span className="visually-hidden">
                        {' '}
                        —{' '}
                        {t.serviceIndex.dossiersOf(
                          `${indicator.name}, ${part === 'NUMERATOR' ? t.serviceIndex.numerator : t.serviceIndex.denominator}`,
                        )}
                      </span>
                    </Link>
                  )}
                </td>
              );
            })}
            <td>{rateOf(indicator, format.percent, none)}</td>
            <td>{format.percent(indicator.target)}</td>
            <td>
              {indicator.score === null ? none : format.number(indicator.score)} /{' '}
              {format.number(indicator.points)}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

function DossiersView({ view, index }: { view: View; index: ServiceIndex }) {
  const { t, format } = useI18n();
  const { query } = useSession();
  const route = useRoute();
  const describe = useErrorMessage();
  const [csvError, setCsvError] = useState<unknown>();
  const figureVars = {
    period: view.period,
    scope: scopeInput(view),
    indicator: view.indicator ?? null,
    part: view.indicator ? (view.part ?? 'NUMERATOR') : null,
    figure: view.indicator ? null : (view.figure ?? null),
  };
  const key = route.params.toString();
  const page = useQuery<{ serviceIndexDossiers: DossierPage }>(
    DOSSIERS,
    { ...figureVars, after: view.after ?? null },
    key,
  );
  const detail = useQuery<{ serviceIndexIndicator: IndicatorDetail }>(
    INDICATOR,
    view.indicator ? { period: view.period, scope: scopeInput(view), indicator: view.indicator } : undefined,
    `${view.period}:${view.scope}:${view.scopeValue}:${view.indicator}`,
  );
  const indicator = detail.status === 'done' ? detail.data.serviceIndexIndicator : undefined;
  const group = index.groups.find((g) => g.indicators.some((i) => i.code === view.indicator));
  const listed = index.groups.flatMap((g) => g.indicators).find((i) => i.code === view.indicator);
  const what = view.indicator
    ? `${listed?.name ?? indicator?.name ?? view.indicator}, ${view.part === 'DENOMINATOR' ? t.serviceIndex.denominator : t.serviceIndex.numerator}`
    : (t.serviceIndex.figureNames[view.figure ?? ''] ?? view.figure ?? '');
  const definition =
    view.part === 'DENOMINATOR' ? indicator?.denominatorDefinition : indicator?.numeratorDefinition;
  const data = page.status === 'done' ? page.data.serviceIndexDossiers : undefined;
  const offset = Number(route.params.get('offset') ?? '0');

  const downloadCsv = async () => {
    setCsvError(undefined);
    try {
      const { serviceIndexDossiersCsv: csv } = await query<{ serviceIndexDossiersCsv: string }>(
        DOSSIERS_CSV,
        figureVars,
      );
      const name =
        `service-index-${view.period}-${view.indicator ?? view.figure ?? 'figure'}.csv`.toLowerCase();
      saveFile({ blob: new Blob([csv], { type: 'text/csv' }), filename: name });
    } catch (error) {
      setCsvError(error);
    }
  };

  return (
    <section aria-labelledby="dossiers-heading">
      <p className="breadcrumb">
        <Link page="service-index" params={at(view)}>
          {t.serviceIndex.backToGroups}
        </Link>
        {group ? (
          <>
            {' › '}
            <Link page="service-index" params={at(view, { group: group.code })}>
              {t.serviceIndex.backToGroup(group.name)}
            </Link>
          </>
        ) : null}
      </p>
      <h2 id="dossiers-heading">{t.serviceIndex.dossiersOf(what)}</h2>
      {definition ? (
        <p>
          <strong>{t.serviceIndex.definition}:</strong> <code>{definition}</code>
        </p>
      ) : null}
      <ResultsStatus
        loading={page.status === 'loading'}
        shown={data?.edges.length}
        offset={offset}
        total={data?.total}
      />
      {page.status === 'error' ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      {data && data.edges.length > 0 ? (
        <>
          <DataTable
            caption={t.serviceIndex.dossiers}
            columns={[
              t.serviceIndex.dossier,
              t.serviceIndex.agency,
              t.serviceIndex.value,
              t.serviceIndex.lineage,
            ]}
          >
            {data.edges.map((edge) => (
              <tr key={edge.cursor}>
                <th scope="row" className="mono">
                  {edge.dossierId}
                </th>
                <td>{edge.agency}</td>
                <td>{format.number(edge.value)}</td>
                <td>
                  <Link page="lineage" params={{ by: 'dossier', id: edge.dossierId }}>
                    {t.accessLog.openLineage}
                    <span className="visually-hidden"> {edge.dossierId}</span>
                  </Link>
                </td>
              </tr>
            ))}
          </DataTable>
          <Paging
            onFirst={
              view.after
                ? () =>
                    navigate('service-index', {
                      ...paramsObject(route.params),
                      after: undefined,
                      offset: undefined,
                    })
                : undefined
            }
            onNext={
              data.pageInfo.hasNextPage && data.pageInfo.endCursor
                ? () =>
                    navigate('service-index', {
                      ...paramsObject(route.params),
                      after: data.pageInfo.endCursor ?? undefined,
                      offset: String(offset + data.edges.length),
                    })
                : undefined
            }
          >
            <button type="button" className="secondary" onClick={() => void downloadCsv()}>
              {t.serviceIndex.csv}
            </button>
          </Paging>
          {csvError ? (
            <p className="notice notice-error" role="alert">
              {describe(csvError)}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** The Decision 766 index by group, each group's indicators, the dossiers behind any figure. */
export default function ServiceIndexPage() {
  const { t, format } = useI18n();
  const route = useRoute();
  const view = viewOf(route.params);
  const key = `${view.period}:${view.scope}:${view.scopeValue}`;
  const result = useQuery<{ serviceIndex: ServiceIndex }>(
    INDEX,
    { period: view.period, scope: scopeInput(view) },
    key,
  );
  const index = result.status === 'done' ? result.data.serviceIndex : undefined;
  const group = index?.groups.find((g) => g.code === view.group);
  return (
    <>
      <PageHeading>{t.serviceIndex.title}</PageHeading>
      <p className="intro">{t.serviceIndex.intro}</p>
      <PeriodForm key={key} view={view} />
      <LiveStatus>{result.status === 'loading' ? t.common.loading : ''}</LiveStatus>
      {result.status === 'error' ? <ErrorNotice error={result.error} onRetry={result.reload} /> : null}
      {index ? (
        <>
          <section className="summary card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">
              {t.serviceIndex.overview}: {index.period} ·{' '}
              {index.scope === 'all' ? t.serviceIndex.scopes.all : index.scope}
            </h2>
            <p className="score">
              {t.serviceIndex.score(
                format.number(index.score),
                format.number(index.measuredPoints),
                format.number(index.totalPoints),
              )}
            </p>
            <p>
              {t.serviceIndex.method}: {index.method.title} ({index.method.id}) · {t.serviceIndex.judgedAt}{' '}
              {format.dateTime(index.judgedAt)}
            </p>
          </section>
          {view.indicator || view.figure ? (
            <DossiersView view={view} index={index} />
          ) : group ? (
            <GroupView group={group} view={view} />
          ) : (
            <Overview index={index} view={view} />
          )}
        </>
      ) : null}
    </>
  );
}
