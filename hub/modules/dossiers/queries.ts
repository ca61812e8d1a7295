import { DossierCursorInvalidError, DossierInvalidInputError } from '../../kernel/errors/index.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { DossierOutcome, ObligationKind, ProcedureRef, SubmissionChannel } from './events.js';
import { instant } from './intake.js';
import {
  type DossierState,
  type DossierStatus,
  dossierStatuses,
  isOpenStatus,
  type PortalStatusCode,
} from './state.js';

/** Which dossiers a page lists; every criterion given must hold. */
export interface DossierFilter {
  /** The competent agency now (organ code). */
  agency?: string;
  /** Procedure code. */
  procedure?: string;
  status?: DossierStatus | readonly DossierStatus[];
  channel?: SubmissionChannel;
  /** Applicant pseudonym. */
  applicant?: string;
  /** Linked dossiers of this parent. */
  parent?: string;
  /** Submitted at or after this instant (ISO-8601). */
  submittedFrom?: string;
  /** Submitted before this instant (ISO-8601). */
  submittedBefore?: string;
  /** Overdue (completed late, or still in process past the deadline) or not. */
  overdue?: boolean;
}

export interface PageRequest {
  /** Page size, 1–100 (default 20). */
  first?: number;
  /** The `endCursor` of the previous page. */
  after?: string | null;
  /** The instant overdue is judged at (default: now). */
  now?: Date;
}

/** One dossier as lists show it. */
export interface DossierSummary {
  dossierId: string;
  agency: string;
  procedure: ProcedureRef;
  status: DossierStatus;
  portalStatus: PortalStatusCode;
  channel: SubmissionChannel;
  /** Null after the applicant was erased. */
  applicant: string | null;
  parent: string | null;
  submittedAt: string;
  receivedAt: string | null;
  dueAt: string | null;
  appointmentAt: string | null;
  /** Since when the clock stands still (a supplement awaited), or null. */
  pausedAt: string | null;
  completedAt: string | null;
  endedAt: string | null;
  outcome: DossierOutcome | null;
  overdue: boolean;
  onceOnly: {
    fieldsPrefilled: number;
    fieldsTyped: number;
    /** Typed fields over all fields (null for a declaration without fields). */
    shareTyped: number | null;
    componentsReused: number;
    componentsUploaded: number;
    componentsAskedAgain: number;
  };
  children: { total: number; pending: number };
  apologies: number;
  rating: { score: number; outOf: number } | null;
}

export interface DossierConnection {
  edges: { cursor: string; node: DossierSummary }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

export interface TimelineEntry {
  revision: number;
  eventId: string;
  type: string;
  at: string;
  actor: { kind: string; id: string; official: string | null };
  /** Status and portal code after the event. */
  status: DossierStatus;
  portalStatus: PortalStatusCode;
  /** The event's data, without the dossier id and the sealed declaration. */
  details: Record<string, unknown>;
}

export interface DossierDetail extends DossierSummary {
  /** The agency that took the dossier in (its desk, or the agency that received it); null before. */
  intakeAgency: string | null;
  /** Fees, charges and taxes notified, in the order notified. */
  obligations: { obligationId: string; kind: ObligationKind; amountVnd: number; paid: boolean }[];
  timeline: TimelineEntry[];
}

interface Row {
  dossier_id: string;
  agency: string;
  procedure_code: string;
  procedure_version: string;
  status: DossierStatus;
  portal_status: PortalStatusCode;
  channel: SubmissionChannel;
  applicant: string | null;
  parent: string | null;
  submitted_at: string;
  received_at: string | null;
  due_at: string | null;
  appointment_at: string | null;
  paused_at: string | null;
  completed_at: string | null;
  ended_at: string | null;
  outcome: DossierOutcome | null;
  overdue: number;
  fields_prefilled: number;
  fields_typed: number;
  components_reused: number;
  components_uploaded: number;
  components_asked_again: number;
  children: number;
  children_pending: number;
  apologies: number;
  rating: number | null;
  rating_out_of: number | null;
}

/** Completed after the deadline, or in process past it (a stopped clock counts up to when it stopped). */
const OVERDUE = `(late IS 1 OR (late IS NULL AND open = 1 AND due_at IS NOT NULL
  AND due_at < coalesce(paused_at, @now)))`;
const COLUMNS = `dossier_id, agency, procedure_code, procedure_version, status, portal_status, channel, applicant,
  parent, submitted_at, received_at, due_at, appointment_at, paused_at, completed_at, ended_at, outcome,
  ${OVERDUE} AS overdue, fields_prefilled, fields_typed, components_reused, components_uploaded,
  components_asked_again, children, children_pending, apologies, rating, rating_out_of`;

const toSummary = (r: Row): DossierSummary => {
  const fields = r.fields_prefilled + r.fields_typed;
  return {
    dossierId: r.dossier_id,
    agency: r.agency,
    procedure: { code: r.procedure_code, version: r.procedure_version },
    status: r.status,
    portalStatus: r.portal_status,
    channel: r.channel,
    applicant: r.applicant,
    parent: r.parent,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    appointmentAt: r.appointment_at,
    pausedAt: r.paused_at,
    completedAt: r.completed_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    overdue: r.overdue === 1,
    onceOnly: {
      fieldsPrefilled: r.fields_prefilled,
      fieldsTyped: r.fields_typed,
      shareTyped: fields === 0 ? null : r.fields_typed / fields,
      componentsReused: r.components_reused,
      componentsUploaded: r.components_uploaded,
      componentsAskedAgain: r.components_asked_again,
    },
    children: { total: r.children, pending: r.children_pending },
    apologies: r.apologies,
    rating: r.rating === null ? null : { score: r.rating, outOf: r.rating_out_of! },
  };
};

/** Cursors are opaque to clients: the sort key of the last row, base64url JSON. */
export const encodeCursor = (submittedAt: string, dossierId: string) =>
  Buffer.from(JSON.stringify([submittedAt, dossierId])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // reported below
  }
  throw new DossierCursorInvalidError('not a cursor of this list', 'after');
}

function where(filter: DossierFilter, params: Record<string, unknown>): string[] {
  const clauses: string[] = [];
  const equal = {
    agency: 'agency',
    procedure: 'procedure_code',
    channel: 'channel',
    applicant: 'applicant',
    parent: 'parent',
  } as const;
  for (const [key, column] of Object.entries(equal) as [keyof typeof equal, string][]) {
    if (filter[key] === undefined) continue;
    clauses.push(`${column} = @${key}`);
    params[key] = filter[key];
  }
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    statuses.forEach((status, i) => {
      if (!dossierStatuses.includes(status)) {
        throw new DossierInvalidInputError(`unknown status ${status}`, 'filter.status');
      }
      params[`status${i}`] = status;
    });
    clauses.push(
      statuses.length === 0 ? '0' : `status IN (${statuses.map((_, i) => `@status${i}`).join(', ')})`,
    );
    // Implied by open statuses; lets SQLite walk the open dossiers' index instead of every dossier
    // of the period (a desk's work list: 0.06 ms instead of 28 ms at 20,000 dossiers).
    if (statuses.length > 0 && statuses.every(isOpenStatus)) clauses.push('open = 1');
  }
  if (filter.submittedFrom !== undefined) {
    clauses.push('submitted_at >= @submittedFrom');
    params.submittedFrom = instant(filter.submittedFrom, 'filter.submittedFrom');
  }
  if (filter.submittedBefore !== undefined) {
    clauses.push('submitted_at < @submittedBefore');
    params.submittedBefore = instant(filter.submittedBefore, 'filter.submittedBefore');
  }
  if (filter.overdue !== undefined) clauses.push(filter.overdue ? OVERDUE : `NOT ${OVERDUE}`);
  return clauses;
}

export const MAX_PAGE = 100;

/**
 * A page of dossiers, newest submission first (ties by dossier number), with Relay-style edges and
 * page info. Keyset pagination: `after` is the `endCursor` of the previous page, so pages stay
 * stable while new dossiers arrive.
 */
export function listDossiers(
  db: ReadModelDb,
  filter: DossierFilter = {},
  page: PageRequest = {},
): DossierConnection {
  const first = page.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw new DossierCursorInvalidError(`must be a whole number from 1 to ${MAX_PAGE}`, 'first');
  }
  const params: Record<string, unknown> = { now: (page.now ?? new Date()).toISOString(), limit: first + 1 };
  const clauses = where(filter, params);
  if (page.after) {
    [params.afterAt, params.afterId] = decodeCursor(page.after);
    clauses.push('(submitted_at, dossier_id) < (@afterAt, @afterId)');
  }
  const sql = `SELECT ${COLUMNS} FROM dossiers ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
    ORDER BY submitted_at DESC, dossier_id DESC LIMIT @limit`;
  const rows = prepared<[Record<string, unknown>], Row>(db, sql).all(params);
  const edges = rows.slice(0, first).map((r) => ({
    cursor: encodeCursor(r.submitted_at, r.dossier_id),
    node: toSummary(r),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: !!page.after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

interface HistoryRow {
  revision: number;
  event_id: string;
  type: string;
  occurred_at: string;
  actor_kind: string;
  actor_id: string;
  official: string | null;
  status: DossierStatus;
  portal_status: PortalStatusCode;
  details: string;
}

/**
 * One dossier with its intake agency, obligations and timeline (oldest first), or undefined. The
 * timeline is read, and the state parsed, when first looked at (a mutation's answer rarely asks).
 */
export function getDossier(
  db: ReadModelDb,
  dossierId: string,
  now: Date = new Date(),
): DossierDetail | undefined {
  const row = prepared<[Record<string, unknown>], Row & { state: string }>(
    db,
    `SELECT ${COLUMNS}, state FROM dossiers WHERE dossier_id = @id`,
  ).get({ id: dossierId, now: now.toISOString() });
  if (!row) return undefined;
  let state: DossierState | undefined;
  const stateOf = () => {
    state ??= JSON.parse(row.state) as DossierState;
    return state;
  };
  let timeline: TimelineEntry[] | undefined;
  return {
    ...toSummary(row),
    get intakeAgency() {
      return stateOf().intakeAgency ?? null;
    },
    get obligations() {
      return Object.entries(stateOf().obligations).map(([obligationId, o]) => ({ obligationId, ...o }));
    },
    get timeline() {
      timeline ??= readTimeline(db, dossierId);
      return timeline;
    },
  };
}

function readTimeline(db: ReadModelDb, dossierId: string): TimelineEntry[] {
  const history = prepared<[string], HistoryRow>(
    db,
    'SELECT * FROM dossier_history WHERE dossier_id = ? ORDER BY revision',
  ).all(dossierId);
  return history.map((h) => ({
    revision: h.revision,
    eventId: h.event_id,
    type: h.type,
    at: h.occurred_at,
    actor: { kind: h.actor_kind, id: h.actor_id, official: h.official },
    status: h.status,
    portalStatus: h.portal_status,
    details: JSON.parse(h.details),
  }));
}
