import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import type { CommandIssuer } from '../../kernel/decider/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { IdSource } from '../../kernel/ids.js';
import type { ComponentInput } from './commands.js';
import type { HeldSource, SubmissionChannel } from './events.js';
import type { DeadlineCalculator, DeclarationSealer, ProcedureLookup } from './ports.js';
import type { DossierReadModel } from './projection.js';
import type { DossierState } from './state.js';

/** What `DossierService` is built from. */
export interface DossierServiceDeps {
  store: EventStore;
  calendar: DeadlineCalculator;
  /** The procedure catalogue; without it every command that needs a procedure is `PROCEDURE_CATALOGUE_UNAVAILABLE`. */
  procedures?: ProcedureLookup;
  sealer: DeclarationSealer;
  /** The `dossiers` read model: applied at once, and where numbering starts looking for a free number. */
  model?: DossierReadModel;
  logger: Logger;
  clock?: Clock;
  ids?: IdSource;
}

export interface SubmitDossierInput {
  channel: SubmissionChannel;
  /** Without a version: the version in force. */
  procedure: { code: string; version?: string };
  agency: string;
  /** Keyed pseudonym of the applicant. */
  applicant: string;
  declaration: {
    /** The form's values (sealed under the applicant's key before anything is written). */
    values: Record<string, unknown>;
    /** Names of the fields that were prefilled from data the state holds; the others were typed. */
    prefilled: readonly string[];
  };
  /** Components provided with the submission (hub callers may resolve them otherwise: a linked dossier reusing its parent's). */
  components?: readonly ComponentInput[];
  parent?: string | null;
}

/** What a prefill read for a dossier, as the service records it. */
export interface PrefillRecord {
  /** The values the state supplied: a part of the declaration (sealed before anything is written). */
  values: Record<string, unknown>;
  /** The fields filled, as dotted paths. */
  fields: readonly string[];
  held: readonly { component: string; source: HeldSource }[];
  /** Ids of the `DataAccessed` events of the reads. */
  accesses: readonly string[];
}

/** A dossier with its declaration opened, and what its latest prefill supplied. */
export interface DossierDeclaration {
  state: DossierState;
  values: Record<string, unknown>;
  prefill: { values: Record<string, unknown>; fields: readonly string[] } | null;
}

/** Who acts: an agency's official (desk, processing) or a portal acting for the citizen. */
export interface DossierActor extends CommandIssuer {
  /**
   * Throws when this actor may not act on the dossier (`authorization.ts`): checked before any
   * lookup the command needs and again on the very state the command is decided on, so a transfer
   * appended in between counts. A linked dossier's parent is checked with it too.
   */
  guard?: (dossier: DossierState) => void;
}
