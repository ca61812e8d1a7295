import { type FormEvent, useMemo, useState } from 'react';
import { fetchDownload, saveFile } from '../api.ts';
import { SelectField, TextField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorNotice, LiveStatus, useErrorMessage } from '../components/status.tsx';
import { DataTable, Paging, ResultsStatus } from '../components/table.tsx';
import { DATASETS } from '../datasets.ts';
import { csvRowCount, jsonRowCount } from '../export-rows.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, type Params, paramsObject, useRoute } from '../router.tsx';
import { useToken } from '../session.tsx';
import { useQuery } from '../use-query.ts';

/** One access or refusal, as the access log lists it. */
export interface AccessEntry {
  id: string;
  outcome: string;
  at: string;
  agency: string;
  official: string;
  dataset: string;
  fields: string[];
  purpose: string;
  dossier: string | null;
  reason: string | null;
  contractId: string | null;
  contractVersion: number | null;
  consentId: string | null;
  subject?: string | null;
  /** How many requests the entry stands for (repeated refusals gathered). */
  count?: number;
}

const ENTRY_FIELDS =
  'id outcome at agency official dataset fields purpose dossier reason contractId contractVersion consentId';

const SEARCH = `query AccessLogSearch($filter: AccessLogFilter, $first: Int, $after: String) {
  accessLogSearch(filter: $filter, first: $first, after: $after) {
    total
    nextCursor
    entries { ${ENTRY_FIELDS} subject count }
  }
}`;

const PAGE_SIZE = 50;
const OUTCOMES = ['RELEASED', 'DENIED', 'OPERATOR', 'DOCUMENT', 'RATE_LIMITED', 'INSPECTION'] as const;
/** The filters, by their names in the address and in `AccessLogFilter` (and the export's query). */
const FILTERS = ['personalId', 'agency', 'official', 'purpose', 'dataset', 'outcome', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Partial<Record<Filter, string>>;

/** A `datetime-local` value read as Vietnam time (how the console shows every instant). */
const instantOf = (local: string) => {
  const at = new Date(`${local.length === 16 ? `${local}:00` : local}+07:00`);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
};

/** The filters as the API takes them: empty ones left out, times as instants. */
function apiFilter(filters: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = filters[name]?.trim();
    if (!value) continue;
    out[name] = name === 'from' || name === 'to' ? instantOf(value) : value;
  }
  return out;
}

const filtersOf = (params: URLSearchParams): Filters =>
  Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;

interface Page {
  entries: AccessEntry[];
  total: number;
  nextCursor: string | null;
}

function ExportButtons({ filter, total }: { filter: Record<string, string>; total: number }) {
  const { t, format } = useI18n();
  const token = useToken();
  const describe = useErrorMessage();
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  const run = async (kind: 'csv' | 'json') => {
    setError(undefined);
    setStatus(t.accessLog.exporting);
    try {
      const query = new URLSearchParams({ format: kind, ...filter });
      const day = new Date().toISOString().slice(0, 10);
      const file = await fetchDownload(token, `access-log/export?${query}`, `access-log-${day}.${kind}`);
      const text = await file.blob.text();
      const rows = kind === 'csv' ? csvRowCount(text) : jsonRowCount(text);
      saveFile(file);
      setStatus(t.accessLog.exported(file.filename, format.number(rows, 0)));
    } catch (failure) {
      setStatus('');
      setError(failure);
    }
  };
  return (
    <section className="export" aria-labelledby="export-heading">
      <h2 id="export-heading">{t.accessLog.export}</h2>
      <div className="buttons">
        <button type="button" onClick={() => void run('csv')} disabled={total === 0}>
          {t.accessLog.exportCsv}
        </button>
        <button type="button" onClick={() => void run('json')} disabled={total === 0}>
          {t.accessLog.exportJson}
        </button>
      </div>
      <LiveStatus>{status}</LiveStatus>
      {error ? (
        <p className="notice notice-error" role="alert">
          {describe(error)}
        </p>
      ) : null}
    </section>
  );
}

function EntryRow({ entry }: { entry: AccessEntry }) {
  const { t, format } = useI18n();
  const basis = [
    entry.contractId
      ? t.accessLog.contract(entry.contractId, String(entry.contractVersion ?? ''))
      : undefined,
    entry.consentId ? t.accessLog.consent(entry.consentId) : undefined,
  ].filter(Boolean);
  return (
    <tr>
      <td>
        <time dateTime={entry.at}>{format.dateTime(entry.at)}</time>
      </td>
      <td>
        <span className={`outcome outcome-${entry.outcome.toLowerCase()}`}>
          {t.accessLog.outcomes[entry.outcome] ?? entry.outcome}
        </span>
        {entry.count && entry.count > 1 ? ` ×${format.number(entry.count, 0)}` : ''}
      </td>
      <td>{entry.agency}</td>
      <td>{entry.official}</td>
      <td>{entry.dataset}</td>
      <td>{entry.fields.join(', ')}</td>
      <td>{entry.purpose}</td>
      <td>
        {entry.dossier ? (
          <Link page="lineage" params={{ by: 'dossier', id: entry.dossier }}>
            {entry.dossier}
          </Link>
        ) : (
          t.common.none
        )}
      </td>
      <td>{basis.length > 0 ? basis.join('; ') : t.common.none}</td>
      <td>{entry.reason ?? t.common.none}</td>
      <td className="mono">{entry.subject ?? t.common.none}</td>
      <td>
        <Link page="lineage" params={{ by: 'access', id: entry.id }}>
          {t.accessLog.openLineage}
          <span className="visually-hidden"> {entry.id}</span>
        </Link>
      </td>
    </tr>
  );
}

/** The access log: filters, a page of entries, paging by cursor, the export of the filtered slice. */
export default function AccessLogPage() {
  const { t } = useI18n();
  const route = useRoute();
  const current = useMemo(() => filtersOf(route.params), [route.params]);
  const after = route.params.get('after') ?? undefined;
  const [draft, setDraft] = useState<Filters>(current);
  const routeKey = route.params.toString();
  const [draftKey, setDraftKey] = useState(routeKey);
  if (draftKey !== routeKey) {
    // the address changed (a link, Back): the form shows its filters
    setDraftKey(routeKey);
    setDraft(current);
  }
  const filter = useMemo(() => apiFilter(current), [current]);
  const log = useQuery<{ accessLogSearch: Page }>(SEARCH, { filter, first: PAGE_SIZE, after }, routeKey);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate('access-log', draft as Params);
  };
  const set = (name: Filter) => (event: { target: { value: string } }) =>
    setDraft((filters) => ({ ...filters, [name]: event.target.value }));
  const page = log.status === 'done' ? log.data.accessLogSearch : undefined;
  const offset = Number(route.params.get('offset') ?? '0');

  return (
    <>
      <PageHeading>{t.accessLog.title}</PageHeading>
      <p className="intro">{t.accessLog.intro}</p>
      <form className="card filters" onSubmit={submit} aria-labelledby="filters-heading">
        <h2 id="filters-heading">{t.accessLog.filters}</h2>
        <div className="grid">
          <TextField
            id="filter-personal-id"
            label={t.accessLog.personalId}
            hint={t.accessLog.personalIdHint}
            inputMode="numeric"
            pattern="[0-9]{12}"
            autoComplete="off"
            value={draft.personalId ?? ''}
            onChange={set('personalId')}
          />
          <TextField
            id="filter-agency"
            label={t.accessLog.agency}
            value={draft.agency ?? ''}
            onChange={set('agency')}
          />
          <TextField
            id="filter-official"
            label={t.accessLog.official}
            value={draft.official ?? ''}
            onChange={set('official')}
          />
          <TextField
            id="filter-purpose"
            label={t.accessLog.purpose}
            value={draft.purpose ?? ''}
            onChange={set('purpose')}
          />
          <TextField
            id="filter-dataset"
            label={t.accessLog.dataset}
            list="datasets"
            value={draft.dataset ?? ''}
            onChange={set('dataset')}
          />
          <datalist id="datasets">
            {DATASETS.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <SelectField
            id="filter-outcome"
            label={t.accessLog.outcome}
            value={draft.outcome ?? ''}
            onChange={set('outcome')}
          >
            <option value="">{t.common.any}</option>
            {OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {t.accessLog.outcomes[outcome]}
              </option>
            ))}
          </SelectField>
          <TextField
            id="filter-from"
            label={`${t.accessLog.from} (${t.common.vietnamTime})`}
            type="datetime-local"
            value={draft.from ?? ''}
            onChange={set('from')}
          />
          <TextField
            id="filter-to"
            label={`${t.accessLog.to} (${t.common.vietnamTime})`}
            type="datetime-local"
            value={draft.to ?? ''}
            onChange={set('to')}
          />
        </div>
        <div className="buttons">
          <button type="submit">{t.common.search}</button>
          <button type="button" className="secondary" onClick={() => navigate('access-log', {})}>
            {t.common.clear}
          </button>
        </div>
      </form>

      <ResultsStatus
        loading={log.status === 'loading'}
        shown={page?.entries.length}
        offset={offset}
        total={page?.total}
      />
      {log.status === 'error' ? <ErrorNotice error={log.error} onRetry={log.reload} /> : null}
      {page && page.entries.length > 0 ? (
        <>
          <DataTable
            caption={t.accessLog.table}
            columns={[
              t.accessLog.columns.at,
              t.accessLog.columns.outcome,
              t.accessLog.columns.agency,
              t.accessLog.columns.official,
              t.accessLog.columns.dataset,
              t.accessLog.columns.fields,
              t.accessLog.columns.purpose,
              t.accessLog.columns.dossier,
              t.accessLog.columns.basis,
              t.accessLog.columns.reason,
              t.accessLog.columns.subject,
              t.accessLog.columns.lineage,
            ]}
          >
            {page.entries.map((entry) => (
              <EntryRow key={entry.id} entry={entry} />
            ))}
          </DataTable>
          <Paging
            onFirst={after ? () => navigate('access-log', { ...current }) : undefined}
            onNext={
              page.nextCursor
                ? () =>
                    navigate('access-log', {
                      ...paramsObject(route.params),
                      after: page.nextCursor ?? undefined,
                      offset: String(offset + page.entries.length),
                    })
                : undefined
            }
          />
          <ExportButtons filter={filter} total={page.total} />
        </>
      ) : null}
    </>
  );
}
