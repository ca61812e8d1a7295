import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { TextField } from '../components/fields.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorNotice, LiveStatus } from '../components/status.tsx';
import { DataTable } from '../components/table.tsx';
import { COMMON_FIELDS, DATASETS } from '../datasets.ts';
import { useI18n } from '../i18n/i18n.tsx';
import {
  drawnKind,
  type LineageGraph,
  type LineageNode,
  mergeGraphs,
  NODE_KINDS,
  pathBetween,
  readingOrder,
} from '../lineage/graph.ts';
import { LineageFlow } from '../lineage/lineage-flow.tsx';
import { navigate, useRoute } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useQuery } from '../use-query.ts';

const GRAPH = 'root nodes { id kind label at attributes { name value } more } edges { from to relation }';
const SEARCHES = {
  field: `query LineageOfField($personalId: String!, $field: String!, $dataset: String) {
    graph: lineageOfField(personalId: $personalId, field: $field, dataset: $dataset, depth: 1) { ${GRAPH} }
  }`,
  access: `query LineageOfAccess($id: ID!) { graph: lineageOfAccess(accessId: $id, depth: 1) { ${GRAPH} } }`,
  dossier: `query LineageOfDossier($id: String!) { graph: lineageOfDossier(dossier: $id, depth: 1) { ${GRAPH} } }`,
  document: `query LineageOfDocument($id: String!) { graph: lineageOfDocument(documentId: $id, depth: 1) { ${GRAPH} } }`,
  node: `query LineageOfNode($id: ID!) { graph: lineageExpand(node: $id, depth: 1) { ${GRAPH} } }`,
} as const;
const EXPAND = `query LineageExpand($node: ID!) { graph: lineageExpand(node: $node, depth: 1) { ${GRAPH} } }`;

type SearchBy = keyof typeof SEARCHES;
const SEARCH_BY: readonly SearchBy[] = ['field', 'access', 'dossier', 'document', 'node'];

interface Search {
  by: SearchBy;
  pid: string;
  field: string;
  dataset: string;
  id: string;
}

function searchOf(params: URLSearchParams): Search {
  const by = params.get('by');
  return {
    by: SEARCH_BY.includes(by as SearchBy) ? (by as SearchBy) : 'field',
    pid: params.get('pid') ?? '',
    field: params.get('field') ?? '',
    dataset: params.get('dataset') ?? '',
    id: params.get('id') ?? '',
  };
}

/** The variables of the root query; undefined until the search is complete. */
function variablesOf(search: Search): Record<string, unknown> | undefined {
  if (search.by === 'field') {
    if (!search.pid || !search.field) return undefined;
    return { personalId: search.pid, field: search.field, dataset: search.dataset || null };
  }
  return search.id ? { id: search.id } : undefined;
}

/** The search's part of the address (what the graph is of). */
function searchParams(search: Search): URLSearchParams {
  const params = new URLSearchParams({ by: search.by });
  if (search.by === 'field') {
    params.set('pid', search.pid);
    params.set('field', search.field);
    if (search.dataset) params.set('dataset', search.dataset);
  } else params.set('id', search.id);
  return params;
}

/** Expansions fetched once per node, kept while the page lives (Back and Forward reuse them). */
function useExpansions(rootKey: string, wanted: readonly string[]) {
  const { query } = useSession();
  const cache = useRef(new Map<string, LineageGraph>());
  const failed = useRef(new Map<string, unknown>());
  const [, setVersion] = useState(0);
  const [busy, setBusy] = useState<string | undefined>();
  const keyed = (id: string) => `${rootKey}\u0000${id}`;
  const missing = wanted.find((id) => !cache.current.has(keyed(id)) && !failed.current.has(keyed(id)));
  useEffect(() => {
    if (missing === undefined || busy !== undefined) return;
    const key = `${rootKey}\u0000${missing}`;
    setBusy(missing);
    query<{ graph: LineageGraph }>(EXPAND, { node: missing })
      .then(
        (data) => cache.current.set(key, data.graph),
        (error: unknown) => failed.current.set(key, error),
      )
      .finally(() => {
        setBusy(undefined);
        setVersion((v) => v + 1);
      });
  }, [missing, busy, rootKey, query]);
  const loaded = wanted.flatMap((id) => {
    const graph = cache.current.get(keyed(id));
    return graph ? [[id, graph] as const] : [];
  });
  const error = wanted.map((id) => failed.current.get(keyed(id))).find((e) => e !== undefined);
  const retry = () => {
    for (const id of wanted) failed.current.delete(keyed(id));
    setVersion((v) => v + 1);
  };
  return { loaded, busy, error, retry };
}

function SearchForm({ initial }: { initial: Search }) {
  const { t } = useI18n();
  const [search, setSearch] = useState(initial);
  const set = (name: keyof Search) => (event: { target: { value: string } }) =>
    setSearch((s) => ({ ...s, [name]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (variablesOf(search)) navigate('lineage', searchParams(search));
  };
  const idLabel = {
    access: t.lineage.accessId,
    dossier: t.lineage.dossier,
    document: t.lineage.documentId,
    node: t.lineage.nodeId,
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="lineage-search">
      <h2 id="lineage-search" className="visually-hidden">
        {t.common.search}
      </h2>
      <fieldset className="choices">
        <legend>{t.lineage.searchBy}</legend>
        {SEARCH_BY.map((by) => (
          <label key={by} className="choice">
            <input
              type="radio"
              name="lineage-by"
              value={by}
              checked={search.by === by}
              onChange={() => setSearch((s) => ({ ...s, by }))}
            />
            {t.lineage.by[by]}
          </label>
        ))}
      </fieldset>
      <div className="grid">
        {search.by === 'field' ? (
          <>
            <TextField
              id="lineage-pid"
              label={t.lineage.personalId}
              hint={t.accessLog.personalIdHint}
              inputMode="numeric"
              pattern="[0-9]{12}"
              autoComplete="off"
              required
              value={search.pid}
              onChange={set('pid')}
            />
            <TextField
              id="lineage-field"
              label={t.lineage.field}
              hint={t.lineage.fieldHint}
              list="lineage-fields"
              required
              value={search.field}
              onChange={set('field')}
            />
            <datalist id="lineage-fields">
              {COMMON_FIELDS.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <div className="field">
              <label htmlFor="lineage-dataset">{t.lineage.dataset}</label>
              <select id="lineage-dataset" value={search.dataset} onChange={set('dataset')}>
                <option value="">{t.lineage.anyDataset}</option>
                {DATASETS.filter((name) => name !== 'documents').map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : (
          <TextField
            id="lineage-id"
            label={idLabel[search.by]}
            required
            autoComplete="off"
            value={search.id}
            onChange={set('id')}
          />
        )}
      </div>
      <div className="buttons">
        <button type="submit">{t.common.search}</button>
      </div>
    </form>
  );
}

function Legend({ kinds }: { kinds: readonly string[] }) {
  const { t } = useI18n();
  return (
    <section className="legend" aria-labelledby="legend-heading">
      <h3 id="legend-heading">{t.lineage.legend}</h3>
      <ul>
        {kinds.map((kind) => (
          <li key={kind}>
            <span className={`swatch kind-${kind.toLowerCase()}`} aria-hidden="true" />
            {t.lineage.kinds[kind] ?? kind}
          </li>
        ))}
        <li>
          <span className="swatch on-path" aria-hidden="true" />
          {t.lineage.onPath}
        </li>
        <li>
          <span className="swatch more" aria-hidden="true">
            +
          </span>
          {t.lineage.expandable}
        </li>
      </ul>
    </section>
  );
}

function NodeDetails({
  node,
  onExpand,
  expanding,
}: {
  node: LineageNode | undefined;
  onExpand(id: string): void;
  expanding: boolean;
}) {
  const { t, format } = useI18n();
  return (
    <aside className="card details" aria-labelledby="details-heading">
      <h2 id="details-heading">{t.lineage.details}</h2>
      {node ? (
        <>
          <p className="details-label">{node.label}</p>
          <dl>
            <dt>{t.lineage.kind}</dt>
            <dd>{t.lineage.kinds[drawnKind(node)] ?? node.kind}</dd>
            <dt>{t.lineage.id}</dt>
            <dd className="mono">{node.id}</dd>
            {node.at ? (
              <>
                <dt>{t.lineage.at}</dt>
                <dd>
                  <time dateTime={node.at}>{format.dateTime(node.at)}</time>
                </dd>
              </>
            ) : null}
          </dl>
          {node.attributes.length > 0 ? (
            <>
              <h3>{t.lineage.attributes}</h3>
              <dl>
                {node.attributes.map((attribute) => (
                  <div key={attribute.name} className="attribute">
                    <dt>{attribute.name}</dt>
                    <dd className="mono">{attribute.value}</dd>
                  </div>
                ))}
              </dl>
            </>
          ) : null}
          {node.more ? (
            <button type="button" onClick={() => onExpand(node.id)} disabled={expanding}>
              {expanding ? t.lineage.expanding : t.lineage.expand}
            </button>
          ) : null}
        </>
      ) : (
        <p>{t.lineage.noSelection}</p>
      )}
    </aside>
  );
}

function NodeTable({
  graph,
  selected,
  onSelect,
}: {
  graph: LineageGraph;
  selected: string | undefined;
  onSelect(id: string): void;
}) {
  const { t, format } = useI18n();
  return (
    <details className="node-list">
      <summary>{t.lineage.nodeList}</summary>
      <DataTable
        caption={t.lineage.nodeList}
        captionHidden
        columns={[
          t.lineage.kind,
          t.lineage.details,
          t.lineage.at,
          <span key="select" className="visually-hidden">
            {t.lineage.select}
          </span>,
        ]}
      >
        {readingOrder(graph).map((node) => (
          <tr key={node.id} aria-current={node.id === selected ? 'true' : undefined}>
            <td>{t.lineage.kinds[drawnKind(node)] ?? node.kind}</td>
            <th scope="row">
              {node.label}
              {node.id === graph.root ? ` (${t.lineage.root})` : ''}
              {node.more ? ` (${t.lineage.moreAvailable})` : ''}
            </th>
            <td>{node.at ? format.dateTime(node.at) : t.common.none}</td>
            <td>
              <button type="button" className="secondary" onClick={() => onSelect(node.id)}>
                {node.id === selected ? t.lineage.selected : node.more ? t.lineage.expand : t.lineage.select}
                <span className="visually-hidden">: {node.label}</span>
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </details>
  );
}

/**
 * Lineage: a search (a citizen's field, an access, a dossier or a document) opens the graph at depth
 * 1; selecting a node expands it. The search, the selection and the expansions live in the address,
 * so a link opens the same graph and Back undoes a step.
 */
export default function LineagePage() {
  const { t, format } = useI18n();
  const route = useRoute();
  const search = searchOf(route.params);
  const variables = variablesOf(search);
  const rootKey = variables ? searchParams(search).toString() : '';
  const root = useQuery<{ graph: LineageGraph }>(SEARCHES[search.by], variables, rootKey);
  const expandedIds = route.params.getAll('exp');
  const selected = route.params.get('sel') ?? undefined;
  const expansions = useExpansions(rootKey, expandedIds);

  const loadedKey = expansions.loaded.map(([id]) => id).join('\u0000');
  const rootGraph = root.status === 'done' ? root.data.graph : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the expansions loaded are named by `loadedKey`
  const graph = useMemo(
    () => (rootGraph ? mergeGraphs(rootGraph, expansions.loaded) : undefined),
    [rootGraph, loadedKey],
  );
  const path = useMemo(
    () =>
      graph
        ? pathBetween(graph, graph.root, selected)
        : { nodes: new Set<string>(), edges: new Set<string>() },
    [graph, selected],
  );
  const selectedNode = graph?.nodes.find((node) => node.id === selected);
  const kinds = useMemo(() => {
    const present = new Set(graph?.nodes.map(drawnKind));
    return [...NODE_KINDS, 'OTHER'].filter((kind) => present.has(kind));
  }, [graph]);

  // What an expansion added, announced once it is in.
  const [announcement, setAnnouncement] = useState('');
  const counted = useRef<{ id: string; before: number } | undefined>(undefined);
  useEffect(() => {
    const pending = counted.current;
    if (!pending || !graph || !expansions.loaded.some(([id]) => id === pending.id)) return;
    const node = graph.nodes.find((n) => n.id === pending.id);
    setAnnouncement(
      t.lineage.expanded(node?.label ?? pending.id, format.number(graph.nodes.length - pending.before, 0)),
    );
    counted.current = undefined;
  }, [graph, expansions.loaded, t, format]);

  /** Select a node; expand it when it has more neighbours (a new step in the history). */
  const activate = (id: string) => {
    if (!graph) return;
    const node = graph.nodes.find((n) => n.id === id);
    const expand = node?.more && !expandedIds.includes(id);
    if (id === selected && !expand) return;
    const params = searchParams(search);
    for (const done of expandedIds) params.append('exp', done);
    if (expand) {
      params.append('exp', id);
      counted.current = { id, before: graph.nodes.length };
    }
    params.set('sel', id);
    navigate('lineage', params);
  };

  return (
    <>
      <PageHeading>{t.lineage.title}</PageHeading>
      <p className="intro">{t.lineage.intro}</p>
      <SearchForm key={rootKey} initial={search} />
      <LiveStatus>
        {root.status === 'loading'
          ? t.common.loading
          : expansions.busy
            ? t.lineage.expanding
            : graph
              ? `${announcement} ${t.lineage.counts(format.number(graph.nodes.length, 0), format.number(graph.edges.length, 0))}`
              : ''}
      </LiveStatus>
      {root.status === 'error' ? <ErrorNotice error={root.error} onRetry={root.reload} /> : null}
      {expansions.error ? <ErrorNotice error={expansions.error} onRetry={expansions.retry} /> : null}
      {graph && graph.nodes.length === 0 ? <p>{t.lineage.empty}</p> : null}
      {graph && graph.nodes.length > 0 ? (
        <div className="lineage-layout">
          <section className="graph-panel" aria-labelledby="graph-heading">
            <h2 id="graph-heading">{t.lineage.graph}</h2>
            <p id="graph-help" className="hint">
              {t.lineage.graphHelp}
            </p>
            <div className="graph" aria-describedby="graph-help">
              <LineageFlow graph={graph} selected={selected} path={path} onActivate={activate} />
            </div>
            <Legend kinds={kinds} />
          </section>
          <NodeDetails node={selectedNode} onExpand={activate} expanding={expansions.busy !== undefined} />
        </div>
      ) : null}
      {graph && graph.nodes.length > 0 ? (
        <NodeTable graph={graph} selected={selected} onSelect={activate} />
      ) : null}
    </>
  );
}
