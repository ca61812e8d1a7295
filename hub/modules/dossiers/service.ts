import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  aggregateStream,
  appendedEvents,
  type Decider,
  handleCommand,
  newCommandMeta,
  StreamStateCache,
} from '../../kernel/decider/index.js';
import {
  DossierAlreadyExistsError,
  DossierInvalidInputError,
  DossierNotFoundError,
  DossierNumberUnavailableError,
  DossierProcedureUnknownError,
  ProcedureCatalogueUnavailableError,
  WrongExpectedRevisionError,
} from '../../kernel/errors/index.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import type { Sealed } from '../../kernel/vocabulary.js';
import { vietnamDate } from '../agencies/index.js';
import type { ComponentInput, ComponentUpload, DossierCommand } from './commands.js';
import { appointmentFor, resumedDeadlines, type Timeliness, timeliness } from './deadlines.js';
import { assertAllowed, dossierDecider } from './decider.js';
import { countFields } from './declaration.js';
import {
  type DossierEvent,
  type DossierPrefilledData,
  declarationContext,
  dossierStream,
  formatDossierId,
  type ProcedureRef,
  prefillContext,
  yymmdd,
} from './events.js';
import { checkComponents, declarationFields, instant } from './intake.js';
import type { ProcedureInfo } from './ports.js';
import type {
  DossierActor,
  DossierDeclaration,
  DossierServiceDeps,
  PrefillRecord,
  SubmitDossierInput,
} from './service-types.js';
import { type Dossier, type DossierState, judgeComponents } from './state.js';

export type * from './service-types.js';

/** A command before its metadata, one per command type. */
type Unstamped<C> = C extends DossierCommand ? Omit<C, 'meta'> : never;

/**
 * A dossier as its stream folds, with what `declaration()` opens: the declaration as last recorded
 * (sealed) and the latest prefill.
 */
interface Folded {
  dossier: Dossier;
  sealed: Sealed | null;
  prefill: DossierPrefilledData | null;
}

/** The dossier decider over `Folded`: decisions are the dossier's, on the dossier alone. */
const folded: Decider<DossierCommand, Folded, DossierEvent> = {
  initialState: () => ({ dossier: dossierDecider.initialState(), sealed: null, prefill: null }),
  evolve(f, event) {
    const dossier = dossierDecider.evolve(f.dossier, event);
    if (event.type === 'DossierSubmitted' || event.type === 'DossierDeclarationCompleted')
      return { ...f, dossier, sealed: event.data.declaration.sealed };
    if (event.type === 'DossierPrefilled') return { ...f, dossier, prefill: event.data };
    return { ...f, dossier };
  },
  decide: (command, f) => dossierDecider.decide(command, f.dossier),
};

/** Dossiers folded lately, kept so that a command reads only the events appended since. */
const CACHED_DOSSIERS = 20_000;

/** How many dossier numbers a submission tries before giving up (each taken one is one read). */
const NUMBER_ATTEMPTS = 50;

const official = (by: DossierActor): string => {
  if (!by.actor.official)
    throw new DossierInvalidInputError('the acting official is required', 'actor.official');
  return by.actor.official;
};

/**
 * Runs dossier commands through the kernel's `handleCommand` (read the stream, fold, decide,
 * append with the expected revision). Deadlines come from the calendar port and procedures from
 * the catalogue port; the results go into the commands, so the decider stays pure. A child
 * dossier's end is recorded on its parent's stream.
 */
export class DossierService {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly cache = new StreamStateCache<Folded>(CACHED_DOSSIERS);

  constructor(private readonly deps: DossierServiceDeps) {
    this.log = moduleLogger(deps.logger, 'dossiers');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
  }

  /** The dossier as its stream says. */
  async load(dossierId: string): Promise<Dossier> {
    return (await this.fold(dossierId)).dossier;
  }

  /** The dossier's stream folded (from the state cached for it, reading the events since). */
  private async fold(dossierId: string): Promise<Folded> {
    return (await aggregateStream(this.deps.store, dossierStream(dossierId), folded, this.cache)).state;
  }

  /** The dossier as its stream says, past the actor's guard; `DOSSIER_NOT_FOUND` when there is none. */
  async existing(dossierId: string, by?: DossierActor): Promise<DossierState> {
    const s = await this.load(dossierId);
    if (s.status === 'none') throw new DossierNotFoundError(dossierId);
    by?.guard?.(s);
    return s;
  }

  /** Where the dossier stands against its deadline now (or at `now`), in the unit of its processing time. */
  async timeliness(dossierId: string, now: Date = this.clock()): Promise<Timeliness> {
    const s = await this.existing(dossierId);
    const { processingTime } = await this.procedure(s.procedure.code, s.procedure.version);
    return timeliness(s, this.deps.calendar, now, processingTime.unit);
  }

  /** Numbers and records a new dossier; links it to its parent when it has one. */
  async submit(by: DossierActor, input: SubmitDossierInput): Promise<DossierState> {
    const procedure = await this.procedure(input.procedure.code, input.procedure.version);
    const components = input.components ?? [];
    checkComponents(procedure, components, 'input.components');
    const fields = declarationFields(input.declaration);
    const parent = input.parent ?? null;
    if (parent !== null) await this.checkParent(by, parent);
    const now = this.clock();
    const day = vietnamDate(now);
    const first = (this.deps.model?.maxSequence(input.agency, yymmdd(day)) ?? 0) + 1;
    for (let sequence = first; sequence < first + NUMBER_ATTEMPTS; sequence++) {
      const dossierId = formatDossierId(input.agency, day, sequence);
      const sealed = this.deps.sealer.seal(
        input.applicant,
        declarationContext(dossierId),
        input.declaration.values,
      );
      const command: DossierCommand = {
        type: 'SubmitDossier',
        data: {
          dossierId,
          channel: input.channel,
          procedure: { code: procedure.code, version: procedure.version },
          agency: input.agency,
          applicant: input.applicant,
          declaration: { sealed, fields },
          parent,
          components: [...components],
        },
        meta: newCommandMeta(by, () => now, this.ids),
      };
      try {
        const state = await this.run(dossierId, command, { maxAttempts: 1 });
        this.log.info({ dossierId, procedure: procedure.code, channel: input.channel }, 'dossier submitted');
        if (parent !== null) await this.linkChild(by, parent, dossierId, state.procedure);
        return state;
      } catch (error) {
        if (!(error instanceof DossierAlreadyExistsError || error instanceof WrongExpectedRevisionError))
          throw error;
      }
    }
    throw new DossierNumberUnavailableError(input.agency, day, NUMBER_ATTEMPTS);
  }

  async refuse(by: DossierActor, dossierId: string, reason: string) {
    return this.decide(by, dossierId, {
      type: 'RefuseDossier',
      data: { dossierId, reason, official: official(by) },
    });
  }

  /** Receives the dossier; without an appointment, the legal deadline from the procedure's processing time. */
  async receive(by: DossierActor, dossierId: string, appointmentAt?: string): Promise<DossierState> {
    const who = official(by);
    const now = this.clock();
    let appointment: string;
    if (appointmentAt !== undefined) {
      appointment = instant(appointmentAt, 'input.appointmentAt');
    } else {
      const s = await this.existing(dossierId, by);
      const procedure = await this.procedure(s.procedure.code, s.procedure.version);
      appointment = await appointmentFor(this.deps.calendar, now, procedure.processingTime);
    }
    return this.decide(
      by,
      dossierId,
      { type: 'ReceiveDossier', data: { dossierId, official: who, appointmentAt: appointment } },
      now,
    );
  }

  async assign(
    by: DossierActor,
    dossierId: string,
    to: { official?: string | null; department?: string | null },
  ) {
    const data = { dossierId, official: to.official ?? null, department: to.department ?? null };
    return this.decide(by, dossierId, { type: 'AssignDossier', data });
  }

  async transfer(by: DossierActor, dossierId: string, to: string, reason: string) {
    return this.decide(by, dossierId, { type: 'TransferDossier', data: { dossierId, to, reason } });
  }

  async completeStep(by: DossierActor, dossierId: string, step: string) {
    return this.decide(by, dossierId, {
      type: 'CompleteStep',
      data: { dossierId, step, official: official(by) },
    });
  }

  async requestSupplement(by: DossierActor, dossierId: string, items: string[], reason: string) {
    return this.decide(by, dossierId, { type: 'RequestSupplement', data: { dossierId, items, reason } });
  }

  /**
   * The citizen supplied: the deadline and the appointment move by the working time the clock stood
   * still. Each document is judged against what the latest prefill found the state holds (asked
   * again, or uploaded).
   */
  async supplySupplement(
    by: DossierActor,
    dossierId: string,
    uploads: readonly ComponentUpload[] = [],
  ): Promise<DossierState> {
    const s = await this.existing(dossierId, by);
    assertAllowed(s, 'SupplySupplement');
    const procedure = await this.procedure(s.procedure.code, s.procedure.version);
    checkComponents(procedure, uploads, 'input.components');
    const now = this.clock();
    const moved = await resumedDeadlines(this.deps.calendar, s, now, procedure.processingTime.unit);
    const data = { dossierId, ...moved, components: judgeComponents(s.held, uploads) };
    return this.decide(by, dossierId, { type: 'SupplySupplement', data }, now);
  }

  async notifyObligation(
    by: DossierActor,
    dossierId: string,
    obligation: { kind: 'fee' | 'charge' | 'tax' | 'other'; amountVnd: number },
  ) {
    const data = { dossierId, obligationId: this.ids(), ...obligation };
    return this.decide(by, dossierId, { type: 'NotifyFinancialObligation', data });
  }

  async pay(
    by: DossierActor,
    dossierId: string,
    payment: { obligationId: string; method: 'online' | 'desk'; amountVnd: number; paymentReference: string },
  ) {
    return this.decide(by, dossierId, { type: 'PayFinancialObligation', data: { dossierId, ...payment } });
  }

  async apologize(by: DossierActor, dossierId: string, reason: string, appointmentAt: string) {
    const data = { dossierId, reason, appointmentAt: instant(appointmentAt, 'input.appointmentAt') };
    return this.decide(by, dossierId, { type: 'IssueApology', data });
  }

  async approve(by: DossierActor, dossierId: string) {
    return this.decide(by, dossierId, {
      type: 'ApproveDossier',
      data: { dossierId, official: official(by) },
    });
  }

  async reject(by: DossierActor, dossierId: string, reason: string) {
    const data = { dossierId, official: official(by), reason };
    return this.decide(by, dossierId, { type: 'RejectDossier', data });
  }

  async stop(by: DossierActor, dossierId: string, reason: string) {
    return this.decide(by, dossierId, { type: 'StopProcessing', data: { dossierId, reason } });
  }

  async issueResult(
    by: DossierActor,
    dossierId: string,
    result: { electronic?: { documentId: string; contentHash: string } | null; paper?: boolean },
  ) {
    const data = { dossierId, electronic: result.electronic ?? null, paper: result.paper ?? false };
    return this.decide(by, dossierId, { type: 'IssueResult', data });
  }

  async returnResult(by: DossierActor, dossierId: string, channel: 'online' | 'desk' | 'postal') {
    return this.decide(by, dossierId, { type: 'ReturnResult', data: { dossierId, channel } });
  }

  /** The citizen (through a portal) withdraws their dossier. */
  async withdraw(by: DossierActor, dossierId: string, applicant: string, reason: string | null = null) {
    return this.decide(by, dossierId, { type: 'WithdrawDossier', data: { dossierId, applicant, reason } });
  }

  async rate(by: DossierActor, dossierId: string, applicant: string, score: number, outOf = 5) {
    return this.decide(by, dossierId, { type: 'RateDossier', data: { dossierId, applicant, score, outOf } });
  }

  async resolveComponent(
    by: DossierActor,
    dossierId: string,
    component: ComponentInput,
  ): Promise<DossierState> {
    const s = await this.existing(dossierId, by);
    checkComponents(await this.procedure(s.procedure.code, s.procedure.version), [component], 'input');
    return this.decide(by, dossierId, { type: 'ResolveComponent', data: { dossierId, ...component } });
  }

  /**
   * The dossier and its declaration as last recorded (submitted or completed), opened under the
   * applicant's key, with the latest prefill; past the actor's guard. `PRIVACY_SUBJECT_ERASED` once
   * the applicant is erased.
   */
  async declaration(dossierId: string, by?: DossierActor): Promise<DossierDeclaration> {
    const { dossier: state, sealed, prefill } = await this.fold(dossierId);
    if (state.status === 'none') throw new DossierNotFoundError(dossierId);
    by?.guard?.(state);
    const open = this.deps.sealer;
    return {
      state,
      values: open.open(state.applicant, declarationContext(dossierId), sealed!) as Record<string, unknown>,
      prefill: prefill && {
        values: open.open(state.applicant, prefillContext(dossierId), prefill.sealed) as Record<
          string,
          unknown
        >,
        fields: prefill.fields,
      },
    };
  }

  /** Records what a prefill read for the dossier: the values (sealed), fields and held components. */
  async recordPrefill(by: DossierActor, dossierId: string, prefill: PrefillRecord): Promise<DossierState> {
    const s = await this.existing(dossierId, by);
    const data = {
      dossierId,
      sealed: this.deps.sealer.seal(s.applicant, prefillContext(dossierId), prefill.values),
      fields: [...prefill.fields],
      held: [...prefill.held],
      accesses: [...prefill.accesses],
    };
    return this.decide(by, dossierId, { type: 'RecordPrefill', data });
  }

  /**
   * Records the declaration as the citizen completed it: the hub counts the fields that still hold
   * what the latest prefill supplied and those the citizen typed, and judges every component
   * against what that prefill held (reused, uploaded, asked again). The caller checked the values
   * against the eForm.
   */
  async completeDeclaration(
    by: DossierActor,
    dossierId: string,
    input: { values: Record<string, unknown>; uploads?: readonly ComponentUpload[] },
  ): Promise<DossierState> {
    const { state: s, prefill } = await this.declaration(dossierId, by);
    const uploads = input.uploads ?? [];
    await this.checkCompletion(s, uploads);
    const fields = countFields(input.values, { paths: prefill?.fields ?? [], values: prefill?.values });
    const sealed = this.deps.sealer.seal(s.applicant, declarationContext(dossierId), input.values);
    const components = judgeComponents(s.held, uploads, true);
    const data = { dossierId, declaration: { sealed, fields }, components };
    return this.decide(by, dossierId, { type: 'CompleteDeclaration', data });
  }

  /**
   * Throws what `completeDeclaration` would refuse on `s` before anything is decided: the status, and
   * the uploaded components' codes against the procedure. Callers that write elsewhere first (the
   * reuse of held documents) check with it so that a refused completion writes nothing.
   */
  async checkCompletion(s: DossierState, uploads: readonly ComponentUpload[]): Promise<void> {
    assertAllowed(s, 'CompleteDeclaration');
    checkComponents(await this.procedure(s.procedure.code, s.procedure.version), uploads, 'input.components');
  }

  private linkChild(by: DossierActor, parent: string, child: string, procedure: ProcedureRef) {
    return this.decide(by, parent, { type: 'LinkChild', data: { dossierId: parent, child, procedure } });
  }

  private decide(
    by: DossierActor,
    dossierId: string,
    command: Unstamped<DossierCommand>,
    now: Date = this.clock(),
  ): Promise<DossierState> {
    const stamped = { ...command, meta: newCommandMeta(by, () => now, this.ids) } as DossierCommand;
    return this.run(dossierId, stamped, { guard: by.guard });
  }

  /**
   * Decides (after the guard, on the state decided on) and appends, applies the new events to the
   * read model, and tells the parent when the dossier's processing just ended (it had no outcome
   * before the command and has one now).
   */
  private async run(
    dossierId: string,
    command: DossierCommand,
    options: { maxAttempts?: number; guard?: DossierActor['guard'] } = {},
  ): Promise<DossierState> {
    const stream = dossierStream(dossierId);
    const { guard, maxAttempts } = options;
    let decidedOn: Dossier = dossierDecider.initialState();
    const decided = ({ dossier }: Folded) => {
      decidedOn = dossier;
      if (guard && dossier.status !== 'none') guard(dossier);
      return command;
    };
    const result = await handleCommand(this.deps.store, stream, folded, decided, {
      maxAttempts,
      cache: this.cache,
    });
    const state = result.state.dossier;
    if (state.status === 'none') throw new DossierNotFoundError(dossierId);
    if (result.events.length === 0) return state;
    const model = this.deps.model;
    await model?.applyAll(appendedEvents(stream, result, this.clock().toISOString()));
    const hadNoOutcome = decidedOn.status === 'none' || decidedOn.outcome === null;
    if (state.parent !== null && state.outcome !== null && hadNoOutcome) {
      const data = { dossierId: state.parent, child: dossierId, outcome: state.outcome };
      await this.run(state.parent, {
        type: 'RecordChildCompleted',
        data,
        meta: { ...command.meta, eventId: this.ids() },
      });
    }
    return state;
  }

  private async checkParent(by: DossierActor, parent: string): Promise<void> {
    const p = await this.load(parent);
    if (p.status === 'none') throw new DossierInvalidInputError(`no dossier ${parent}`, 'input.parent');
    by.guard?.(p);
    assertAllowed(p, 'LinkChild');
  }

  private async procedure(code: string, version?: string): Promise<ProcedureInfo> {
    const catalogue = this.deps.procedures;
    if (!catalogue) throw new ProcedureCatalogueUnavailableError(code);
    const found = await catalogue.find(code, version);
    if (!found) throw new DossierProcedureUnknownError(code, version ?? null);
    return found;
  }
}
