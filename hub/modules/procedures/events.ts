import type { EventData } from '../../kernel/event-store.js';

/** Online service level (Decree 42/2022/NĐ-CP): toàn trình, một phần, cung cấp thông tin. */
export type ServiceLevel = 'full-online' | 'partly-online' | 'information-only';

/** Types of issued results (schemas/procedure.schema.json `$defs/resultType`). */
export type ResultType =
  | 'birth-certificate'
  | 'residence-registration-confirmation'
  | 'health-insurance-card'
  | 'death-certificate'
  | 'residence-removal-confirmation'
  | 'funeral-allowance-decision'
  | 'marriage-certificate'
  | 'marital-status-certificate'
  | 'business-registration-certificate'
  | 'land-use-certificate'
  | 'judicial-record-certificate'
  | 'driving-licence';

/** What the citizen portal vouches for about the authenticated applicant. */
export type ApplicantAttribute = 'personalId' | 'fullName' | 'dateOfBirth' | 'gender' | 'phone' | 'email';

export interface Fee {
  /** VND; 0 is free. Either this or `schedule`. */
  amount?: number;
  schedule?: { amount: number; description: string }[];
  description?: string;
  exemptions?: string[];
}

export interface ProcessingTime {
  amount: number;
  unit: 'working-days' | 'working-hours';
  description?: string;
}

/** A record of a shared dataset: about the applicant, the person whose ID is in form field `subject`, or keyed by form field `key`. */
export interface DatasetSource {
  dataset: string;
  subject?: string;
  key?: string;
  /** Declared when the data is read; default `tthc-<code>`. */
  purpose?: string;
}

/** Where a dossier component comes from. */
export type ComponentSupply =
  | (DatasetSource & { fields: string[] })
  | { result: ResultType }
  | { upload: true }
  | { declaration: true };

export interface ProcedureComponent {
  code: string;
  name: string;
  required: boolean;
  /** Originals to present or hand in (bản chính). */
  original: number;
  /** Copies to hand in (bản sao). */
  copies: number;
  note?: string;
  supply: ComponentSupply;
}

/** A field of the linked procedure's eForm, filled from this declaration or with a fixed value. */
export interface FieldMapping {
  from?: string;
  value?: unknown;
  to: string;
}

export interface LinkedProcedure {
  code: string;
  condition?: string;
  description?: string;
  mappings: FieldMapping[];
}

/** `x-prefill` of an eForm property. */
export type Prefill =
  | (DatasetSource & { field: string })
  | { result: ResultType; field: string }
  | { applicant: ApplicantAttribute };

/** The declaration (tờ khai) as a JSON Schema object. */
export type EForm = { type: 'object'; properties: Record<string, unknown> } & Record<string, unknown>;

/** A procedure as published: the file's content with defaults filled in and the service level mapped. */
export interface ProcedureDefinition {
  /** National database code (mã TTHC), e.g. `1.001193`. */
  code: string;
  /** False when the code could not be confirmed against a public catalogue. */
  codeVerified: boolean;
  name: string;
  /** Lĩnh vực, e.g. `Hộ tịch`. */
  field: string;
  /** Level of the competent agency: a level code of the agency registry. */
  level: string;
  organs: string[];
  fee: Fee;
  processingTime: ProcessingTime;
  serviceLevel: ServiceLevel;
  paperResultRequired: boolean;
  result: { type: ResultType; name: string };
  legalBasis: string[];
  components: ProcedureComponent[];
  linked: LinkedProcedure[];
  eForm: EForm;
  sources: string[];
}

export interface ProcedurePublishedData {
  code: string;
  /** 1, 2, … — a new version whenever the content changes. */
  version: number;
  /** SHA-256 (hex) of the canonical definition: loading unchanged content appends nothing. */
  contentHash: string;
  definition: ProcedureDefinition;
}

export interface ProcedureWithdrawnData {
  code: string;
  /** The version in force when withdrawn. */
  version: number;
  reason: string;
  /** Day it stops applying, `YYYY-MM-DD`. */
  withdrawnOn: string;
}

export type ProcedurePublished = EventData<'ProcedurePublished', ProcedurePublishedData>;
export type ProcedureWithdrawn = EventData<'ProcedureWithdrawn', ProcedureWithdrawnData>;
export type ProcedureEvent = ProcedurePublished | ProcedureWithdrawn;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['ProcedurePublished', 'ProcedureWithdrawn'] as const;

export const PROCEDURE_STREAM_CATEGORY = 'procedure';
export const procedureStream = (code: string) => `${PROCEDURE_STREAM_CATEGORY}-${code}`;

/** A procedure code as the national database writes it: `<digit>.<six digits>`. */
export const PROCEDURE_CODE = /^[1-9]\.[0-9]{6}$/;

/** The old online levels 1–4 (before Decree 42/2022/NĐ-CP) as service levels. */
export const LEGACY_SERVICE_LEVELS: Readonly<Record<1 | 2 | 3 | 4, ServiceLevel>> = {
  4: 'full-online',
  3: 'partly-online',
  2: 'information-only',
  1: 'information-only',
};
