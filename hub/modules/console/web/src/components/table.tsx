import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { LiveStatus } from './status.tsx';

/** A table with a caption and column headers (`scope="col"`); rows as children. */
export function DataTable({
  caption,
  captionHidden = false,
  columns,
  children,
}: {
  caption: string;
  captionHidden?: boolean;
  columns: readonly ReactNode[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
              <th scope="col" key={i}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Paging by cursor: back to the first page, on to the next (Back in the browser returns a page). */
export function Paging({
  onFirst,
  onNext,
  children,
}: {
  onFirst?: () => void;
  onNext?: () => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <nav className="paging" aria-label={t.common.paging}>
      {onFirst ? (
        <button type="button" className="secondary" onClick={onFirst}>
          {t.common.firstPage}
        </button>
      ) : null}
      {onNext ? (
        <button type="button" onClick={onNext}>
          {t.common.nextPage}
        </button>
      ) : null}
      {children}
    </nav>
  );
}

/** The live line saying what a search found: loading, none, or which results of how many. */
export function ResultsStatus({
  loading,
  shown,
  offset = 0,
  total,
}: {
  loading: boolean;
  shown: number | undefined;
  offset?: number;
  total: number | undefined;
}) {
  const { t, format } = useI18n();
  const n = (value: number) => format.number(value, 0);
  return (
    <LiveStatus>
      {loading
        ? t.common.loading
        : shown === undefined
          ? ''
          : shown === 0
            ? t.common.noResults
            : t.common.results(n(offset + 1), n(offset + shown), n(total ?? shown))}
    </LiveStatus>
  );
}
