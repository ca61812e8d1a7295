import type { Clock } from '../../kernel/clock.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import { getAgency } from '../agencies/index.js';
import { getContract } from '../contracts/index.js';
import type { EntryRow } from './projection.js';
import { decodeCursor, encodeCursor, type Position, tagOf } from './queries.js';

/** What the citizen's tracker lists: data released, documents sent, sealed fields shown to an operator. */
export const DATA_USE_OUTCOMES = ['RELEASED', 'DOCUMENT', 'OPERATOR'] as const;

/** One use of a citizen's data as the citizen sees it. */
export interface DataUse {
  id: string;
  at: string;
  kind: (typeof DATA_USE_OUTCOMES)[number];
  agency: string;
  agencyName: string | null;
  dataset: string;
  fields: string[];
  purpose: string;
  dossier: string | null;
  contractId: string | null;
  contractVersion: number | null;
  /** The legal basis of the contract version the release relied on. */
  legalBasis: string | null;
  /** When it was hidden from the citizen for a while: the latest end and its basis. */
  deferred: { until: string; basis: string } | null;
}

export interface DataUsePage {
  entries: DataUse[];
  nextCursor: string | null;
}

interface DeferralRow {
  access_id: string | null;
  agency: string | null;
  purpose: string | null;
  basis: string;
  until: string;
  until_ms: number;
}

const PAGE_SQL = `
  SELECT e.* FROM access_log e INDEXED BY access_log_subject
  WHERE e.subject = @subject AND e.outcome IN (${DATA_USE_OUTCOMES.map((o) => `'${o}'`).join(', ')})
    AND (e.at_ms, e.seq) < (@afterAt, @afterSeq)
    AND NOT EXISTS (
      SELECT 1 FROM access_deferrals d
      WHERE d.subject = @subject AND d.until_ms > @now
        AND (d.access_id = e.id OR (d.agency = e.agency AND d.purpose = e.purpose))
    )
  ORDER BY e.at_ms DESC, e.seq DESC LIMIT @limit`;

/** After every entry: where a first page starts. */
const START: Position = { atMs: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };

/**
 * The citizen's data tracker: their own accesses, newest first, each with the agency's name, the
 * fields, the purpose and the legal basis of the contract version relied on. An access whose
 * disclosure is deferred (`access_deferrals`: the access named, or its agency and purpose) is left
 * out until the first day after the deferral's end by the API clock, then shown with that deferral.
 */
export class DataUseTracker {
  /** Legal bases by `contract@version` (a version's terms never change). */
  private readonly bases = new Map<string, string>();

  constructor(
    private readonly db: ReadModelDb,
    private readonly clock: Clock,
  ) {}

  page(subject: string, first: number, after: string | null | undefined): DataUsePage {
    const tag = tagOf(['data-use', subject]);
    const from = after === undefined || after === null ? START : decodeCursor(after, tag);
    const rows = prepared<Record<string, unknown>, EntryRow>(this.db, PAGE_SQL).all({
      subject,
      afterAt: from.atMs,
      afterSeq: from.seq,
      now: this.clock().getTime(),
      limit: first + 1,
    });
    const more = rows.length > first;
    if (more) rows.length = first;
    const deferrals =
      rows.length === 0
        ? []
        : prepared<[string], DeferralRow>(
            this.db,
            'SELECT access_id, agency, purpose, basis, until, until_ms FROM access_deferrals WHERE subject = ?',
          ).all(subject);
    const last = rows.at(-1);
    return {
      entries: rows.map((row) => this.use(row, deferrals)),
      nextCursor: more && last ? encodeCursor({ atMs: last.at_ms, seq: last.seq }, tag) : null,
    };
  }

  private use(row: EntryRow, deferrals: readonly DeferralRow[]): DataUse {
    let deferred: DeferralRow | undefined;
    for (const d of deferrals) {
      const applies = d.access_id === row.id || (d.agency === row.agency && d.purpose === row.purpose);
      if (applies && (!deferred || d.until_ms > deferred.until_ms)) deferred = d;
    }
    return {
      id: row.id,
      at: row.at,
      kind: row.outcome as DataUse['kind'],
      agency: row.agency,
      agencyName: getAgency(this.db, row.agency)?.name ?? null,
      dataset: row.dataset ?? '',
      fields: JSON.parse(row.fields) as string[],
      purpose: row.purpose ?? '',
      dossier: row.dossier,
      contractId: row.contract_id,
      contractVersion: row.contract_version,
      legalBasis: this.legalBasis(row.contract_id, row.contract_version),
      deferred: deferred ? { until: deferred.until, basis: deferred.basis } : null,
    };
  }

  private legalBasis(contractId: string | null, version: number | null): string | null {
    if (contractId === null || version === null) return null;
    const key = `${contractId}@${version}`;
    let basis = this.bases.get(key);
    if (basis === undefined) {
      basis = getContract(this.db, contractId, version)?.legalBasis;
      if (basis !== undefined) this.bases.set(key, basis);
    }
    return basis ?? null;
  }
}
