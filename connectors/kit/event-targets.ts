import type { CommandMeta, Decider } from '../../hub/kernel/decider/index.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import {
  DOSSIER_ID_PATTERN,
  type Dossier,
  type DossierEvent,
  decideImported,
  declarationContext,
  dossierDecider,
  dossierStatuses,
  dossierStream,
  type ImportedStatusChange,
  leafPaths,
} from '../../hub/modules/dossiers/index.js';
import {
  type DatasetDefinition,
  datasetAjv,
  datasetQualitySettings,
  type RecordSealing,
} from '../../hub/modules/records/index.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import type { SubjectKind } from '../../hub/privacy/pseudonym.js';
import { seal } from '../../hub/privacy/sealed.js';

/**
 * A target a stream feeds instead of a dataset (`"target"` in the manifest): each mapped row becomes
 * events on one stream of a hub module, decided by that module's decider on the state its stream
 * folds to, so an imported row passes the same checks as the module's own commands. The mapping
 * (`"target"`, `"fields"`) fills a row of `def`'s shape, as a dataset mapping fills a record; the
 * target decides which events the row means.
 */
export interface EventTarget<State = unknown> {
  name: string;
  /** The shape of a mapped row: field paths, JSON Schema, personal fields (never in clear in events). */
  def: DatasetDefinition;
  /** Folds the stream a row's events go to. */
  decider: Pick<Decider<never, State, EventData>, 'evolve' | 'initialState'>;
  streamOf(row: Record<string, unknown>): string;
  /**
   * Pseudonyms whose subject keys the row's events are sealed under when decided on top of `state`
   * (created before any append).
   */
  subjects(row: Record<string, unknown>, sealing: RecordSealing, state: State): string[];
  /**
   * The events the row means on top of `state`, and the state after them; throws the module's
   * error (a HubError) when the row cannot follow what the stream holds.
   */
  decide(
    state: State,
    row: Record<string, unknown>,
    tools: {
      sealing: RecordSealing;
      key: (subject: string) => SubjectKey;
      rowKey: string;
      meta: (step: number) => CommandMeta;
    },
  ): { events: EventData[]; state: State };
}

const ORGAN = '^[0-9A-Z]{2,3}(\\.[0-9A-Z]{2,3}){2,3}$';
const INSTANT = { type: 'string', format: 'date-time' };

/** A row of a one-stop system's dossier history, as the mapping fills it (connectors/README.md#dossier-events). */
const dossierRowSchema = {
  title: 'dossier-events',
  description: "One status change of another system's dossier: the dossier events it means.",
  type: 'object',
  required: ['dossierId', 'status', 'at'],
  additionalProperties: false,
  properties: {
    dossierId: { type: 'string', pattern: DOSSIER_ID_PATTERN.source, description: 'The dossier number.' },
    status: { enum: [...dossierStatuses], description: "The hub status the source's status code means." },
    at: { ...INSTANT, description: 'When the change happened.' },
    channel: { enum: ['online', 'desk', 'postal'] },
    procedure: {
      type: 'object',
      required: ['code', 'version'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$' },
        version: { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$' },
      },
    },
    agency: { type: 'string', pattern: ORGAN },
    applicant: {
      'x-personal': true,
      type: 'object',
      required: ['id'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 64 },
        kind: { enum: ['citizen', 'enterprise'] },
      },
    },
    declaration: { 'x-personal': true, type: 'object' },
    official: { type: 'string', minLength: 1, maxLength: 200 },
    note: { type: 'string', minLength: 1, maxLength: 2000 },
    dueAt: INSTANT,
    amountVnd: { type: 'integer', minimum: 1 },
    paymentMethod: { enum: ['online', 'desk'] },
    returnChannel: { enum: ['online', 'desk', 'postal'] },
  },
};

function definitionOf(schema: typeof dossierRowSchema, key: string): DatasetDefinition {
  const properties = schema.properties as Record<string, { description?: string; 'x-personal'?: boolean }>;
  const fields = Object.keys(properties);
  const personalFields = new Set(fields.filter((f) => properties[f]!['x-personal'] === true));
  const requiredFields = new Set(schema.required);
  return {
    name: schema.title,
    description: schema.description,
    key,
    singular: schema.title,
    identity: [],
    fields,
    personalFields,
    requiredFields,
    // not a dataset of records: nothing compared, every threshold at its default
    quality: datasetQualitySettings(`event target ${schema.title}`, undefined, {
      fields,
      required: requiredFields,
      personal: personalFields,
      identity: [],
      subjectField: undefined,
    }),
    descriptions: Object.fromEntries(fields.map((f) => [f, properties[f]!.description ?? ''])),
    schema,
    validate: datasetAjv().compile(schema),
  };
}

interface DossierRow {
  dossierId: string;
  applicant?: { id: string; kind?: SubjectKind };
  declaration?: Record<string, unknown>;
}

const applicantOf = (row: DossierRow, sealing: RecordSealing) =>
  row.applicant && sealing.pseudonymize(row.applicant.kind ?? 'citizen', row.applicant.id);

/**
 * `dossier-events`: a one-stop system's dossier history into `dossier-<dossierId>` streams, through
 * the dossiers module's `decideImported` (the dossier decider, command by command). The applicant
 * becomes a keyed pseudonym; the declaration fields the mapping names are sealed under the
 * applicant's key and counted as typed, as a submission at the desk counts them.
 */
export const dossierEvents: EventTarget<Dossier> = {
  name: 'dossier-events',
  def: definitionOf(dossierRowSchema, 'dossierId'),
  decider: dossierDecider as unknown as EventTarget<Dossier>['decider'],
  streamOf: (row) => dossierStream(String(row.dossierId)),
  // Only a dossier's submission seals: the applicant's pseudonym and key serve no other row.
  subjects: (row, sealing, state) => {
    const applicant = state.status === 'none' && applicantOf(row as unknown as DossierRow, sealing);
    return applicant ? [applicant] : [];
  },
  decide(state, mapped, tools) {
    const row = mapped as unknown as DossierRow & Omit<ImportedStatusChange, 'applicant' | 'declaration'>;
    const { applicant: who, declaration: values, ...rest } = row;
    const change: ImportedStatusChange = { ...rest, rowKey: tools.rowKey };
    const applicant = state.status === 'none' && applicantOf(row, tools.sealing);
    if (applicant) {
      const declared = values ?? {};
      change.applicant = applicant;
      change.declaration = {
        sealed: seal(tools.key(applicant), applicant, declarationContext(row.dossierId), declared),
        fields: { prefilled: 0, typed: leafPaths(declared).length },
      };
    }
    const decided = decideImported(state, change, tools.meta);
    return { events: decided.events as DossierEvent[] as EventData[], state: decided.state };
  },
};

/** The targets a stream may name, by name. */
export const eventTargets: ReadonlyMap<string, EventTarget> = new Map<string, EventTarget>([
  [dossierEvents.name, dossierEvents as unknown as EventTarget],
]);

/** What a stream's rows are mapped to and checked by: its event target's row, or its dataset. */
export const streamDefinition = (
  s: { dataset: string; target?: string },
  datasets: ReadonlyMap<string, DatasetDefinition>,
): DatasetDefinition | undefined => (s.target ? eventTargets.get(s.target)?.def : datasets.get(s.dataset));
