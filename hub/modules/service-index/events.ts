import type { EventData } from '../../kernel/event-store.js';

/** The figures a period report gives for one agency and period (the reconciliation identities' terms). */
export interface ReportFigures {
  carriedOver: number;
  new: number;
  received: number;
  finished: number;
  inProgress: number;
  /** Dossiers overdue (finished late, or in process past the deadline), when the report gives it. */
  overdue: number | null;
}

/** One row of a period report from the national public service portal, imported as it was. */
export interface ServiceIndexReportImportedData {
  /** Who published the report, e.g. `national-portal`. */
  source: string;
  /** Organ code of the agency (or province) the row is about. */
  agency: string;
  /** `2026-03`, `2026-Q1`, `2026`. */
  period: string;
  figures: ReportFigures;
  /** Points of indicators the report gives (by indicator code): what the hub cannot measure itself. */
  points: Record<string, number>;
  /** The file it came from: its name, SHA-256 and the row's line. */
  file: { name: string; sha256: string; line: number };
}

export type ServiceIndexReportImported = EventData<
  'ServiceIndexReportImported',
  ServiceIndexReportImportedData
>;

export const eventTypes = ['ServiceIndexReportImported'] as const;

export const REPORT_STREAM_CATEGORY = 'service-index-report';
export const reportStream = (source: string, agency: string, period: string) =>
  `${REPORT_STREAM_CATEGORY}-${source}-${agency}-${period}`;
