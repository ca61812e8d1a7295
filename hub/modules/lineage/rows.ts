/** Rows of the `lineage` tables as SQLite returns them (`tables.ts`). */

export interface Access {
  position: number;
  access_id: string;
  kind: 'released' | 'operator' | 'document';
  subject: string;
  dataset: string;
  fields: string;
  agency: string;
  official: string;
  role: string;
  purpose: string;
  dossier: string | null;
  contract_id: string | null;
  contract_version: number | null;
  consent_id: string | null;
  sources: string;
  detail: string | null;
  at: string;
}

export interface RecordEvent {
  position: number;
  event_id: string;
  deleted: number;
  dataset: string;
  record_key: string;
  subject: string | null;
  revision: number;
  run_id: string | null;
  tbl: string | null;
  pk: string | null;
  source_position: string | null;
  fetched_at: string | null;
  at: string;
}

export interface Run {
  run_id: string;
  connector: string;
  version: string | null;
  system: string | null;
  tables: string | null;
  outcome: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  counts: string | null;
  error_code: string | null;
}

export interface Consent {
  consent_id: string;
  subject: string;
  consumer: string;
  purposes: string;
  scope: string;
  dossier: string | null;
  valid_from: string;
  valid_until: string;
  collected_agency: string;
  collected_official: string;
  receipt_id: string;
  granted_at: string;
  status: string;
  ended_at: string | null;
}

export interface Contract {
  contract_id: string;
  version: number;
  provider: string;
  consumer: string;
  dataset: string;
  fields: string;
  purposes: string;
  legal_basis: string;
  consent_required: number;
  valid_from: string;
  valid_until: string | null;
  at: string;
  revoked_on: string | null;
}

export interface Dossier {
  dossier_id: string;
  procedure: string;
  procedure_version: string;
  agency: string;
  channel: string;
  applicant: string;
  parent: string | null;
  submitted_at: string;
  last_event: string;
  updated_at: string;
  prefilled: number;
  typed: number;
  result_document: string | null;
}

export interface Component {
  dossier_id: string;
  component: string;
  resolution: 'held' | 'reused' | 'uploaded' | 'asked-again';
  source_kind: 'record-event' | 'document' | null;
  source_id: string | null;
  source_event: string | null;
  document_id: string | null;
  at: string;
}

export interface Document {
  document_id: string;
  origin: 'digitised' | 'result';
  subject: string;
  dossier: string;
  component: string | null;
  result_type: string | null;
  agency: string;
  official: string;
  content_hash: string;
  media_type: string;
  pages: number;
  certified: number;
  valid_until: string | null;
  event_id: string;
  at: string;
  reuses: number;
  revoked_at: string | null;
  revoked_by: string | null;
}
