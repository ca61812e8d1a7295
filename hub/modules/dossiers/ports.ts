import type { Sealed } from '../../kernel/vocabulary.js';
import type { WorkingTime } from './events.js';

/** A value or a promise of it: adapters may answer synchronously or not. */
export type Awaitable<T> = T | Promise<T>;

/**
 * Working-day arithmetic (Vietnamese working days, public holidays, make-up days), as the calendar
 * capability provides it. The dossier service computes deadlines with it and passes the results
 * into commands, so the decider stays pure.
 */
export interface DeadlineCalculator {
  /** The instant `time` of working time after `from` (`from` itself for an amount of 0). */
  addWorkingTime(from: Date, time: WorkingTime): Awaitable<Date>;
  /**
   * The working time between `from` and `to` (`from` ≤ `to`) in `unit`: for days, the working days
   * after `from`'s day up to and including `to`'s day (what a deadline in days is moved by); for
   * hours, the office time between the two instants.
   */
  workingTimeBetween(from: Date, to: Date, unit: WorkingTime['unit']): Awaitable<WorkingTime>;
}

/** A component (thành phần hồ sơ) a procedure asks for. */
export interface ProcedureComponent {
  code: string;
  required: boolean;
}

/** What the dossier service needs to know of a procedure of the catalogue. */
export interface ProcedureInfo {
  code: string;
  version: string;
  /** The legal processing time (thời hạn giải quyết), counted from reception. */
  processingTime: WorkingTime;
  components: readonly ProcedureComponent[];
}

/**
 * The procedure catalogue, as the procedures capability provides it. Without one the service
 * refuses every command that needs a procedure (`PROCEDURE_CATALOGUE_UNAVAILABLE`).
 */
export interface ProcedureLookup {
  /** The procedure in the version given, or its version in force when none is given. */
  find(code: string, version?: string): Awaitable<ProcedureInfo | undefined>;
}

/** Seals and opens values under a data subject's key (hub/privacy's SubjectVault satisfies it). */
export interface DeclarationSealer {
  seal(subject: string, context: string, value: unknown): Sealed;
  /** Throws `PRIVACY_SUBJECT_ERASED` once the subject is erased. */
  open(subject: string, context: string, sealed: Sealed): unknown;
}
