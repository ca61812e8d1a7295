import { DossierInvalidInputError, DossierProcedureUnknownError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import type { ReleaseService } from '../access/index.js';
import type { DocumentService } from '../documents/index.js';
import {
  assertAllowed,
  type ComponentUpload,
  type DossierActor,
  type DossierService,
  type DossierState,
  type ProcedureRef,
  valueAt,
} from '../dossiers/index.js';
import {
  assertDeclaration,
  getProcedure,
  type PrefillPlan,
  type ProcedureRecord,
  prefillPlan,
} from '../procedures/index.js';
import { readAll, setAt } from './reads.js';
import type { ApplicantAttributes, PrefillResult } from './types.js';

export interface PrefillDeps {
  release: ReleaseService;
  documents: DocumentService;
  dossiers: DossierService;
  readModels: ReadModelDb;
  pseudonymize: Pseudonymizer;
}

/** Who asks for a prefill or completes a declaration: the dossier actor (with its guard) and the caller's token. */
export interface PrefillCaller {
  by: DossierActor;
  principal: Principal;
  requestId: string;
}

/**
 * Once-only prefill of a dossier's declaration, and its completion: what the state holds is read
 * through the access module's release path (contract, consent, a `DataAccessed` naming the
 * dossier) on behalf of the agency competent for the dossier, and from the applicant's earlier
 * results; the dossier records what was supplied (`DossierPrefilled`) and, once the citizen has
 * completed the form, the fields they still typed and how each component was satisfied.
 */
export class PrefillService {
  /** Procedure versions never change: each is read and planned once. */
  private readonly procedures = new Map<string, { record: ProcedureRecord; plan: PrefillPlan }>();

  constructor(private readonly deps: PrefillDeps) {}

  /**
   * The dossier's eForm with every field the state can fill already filled, and per component
   * whether it is satisfied by reuse (with the event reused) or must be uploaded. `applicantField`
   * names the argument the applicant came in (errors name it).
   */
  async prefill(
    caller: PrefillCaller,
    dossierId: string,
    vouched: { applicant: ApplicantAttributes; field: string } | undefined,
  ): Promise<PrefillResult> {
    const { state, values: current } = await this.deps.dossiers.declaration(dossierId, caller.by);
    assertAllowed(state, 'RecordPrefill');
    const { record, plan } = this.procedure(state.procedure);
    const linked =
      state.parent === null ? undefined : await this.linkFrom(state.parent, state.procedure.code);
    const applicant = vouched
      ? this.checked(state, vouched.applicant, vouched.field)
      : this.applicantInDeclaration(state, plan, [current, linked?.values ?? {}]);
    const { documents } = this.deps;
    const read = await readAll(plan, {
      release: this.deps.release,
      findResults: (resultType) => documents.findResults(state.applicant, resultType),
      principal: onBehalfOf(state, caller.principal),
      dossier: dossierId,
      requestId: caller.requestId,
      applicant,
      current,
      linked: linked && { dossier: state.parent!, values: linked.values, link: linked.link },
    });
    const filled = read.fields.filter((f) => f.filled);
    await this.deps.dossiers.recordPrefill(caller.by, dossierId, {
      values: read.filled,
      fields: filled.map((f) => f.path),
      held: read.components.flatMap((c) => (c.held ? [{ component: c.code, source: c.held }] : [])),
      accesses: read.accesses,
    });
    const values = structuredClone(current);
    for (const f of filled) setAt(values, f.path, f.value);
    return {
      dossierId,
      procedure: state.procedure,
      eForm: record.eForm,
      values,
      fields: read.fields,
      typed: [...read.typed, ...read.fields.filter((f) => !f.filled).map((f) => f.path)],
      components: read.components,
      accesses: read.accesses,
    };
  }

  /**
   * Records the declaration as the citizen completed it, checked against the eForm
   * (`PROCEDURE_DECLARATION_INVALID` naming the pointers at fault): the earlier results the prefill
   * found and the citizen did not replace are reused (`DocumentReused` on each document), then the
   * dossier records the counts and the components the hub judged.
   */
  async complete(
    caller: PrefillCaller,
    dossierId: string,
    values: Record<string, unknown>,
    uploads: readonly ComponentUpload[],
  ): Promise<DossierState> {
    const state = await this.deps.dossiers.existing(dossierId, caller.by);
    assertDeclaration(this.procedure(state.procedure).record, values);
    // everything the completion could refuse, before the reuses below are written
    await this.deps.dossiers.checkCompletion(state, uploads);
    const provided = new Set(uploads.map((u) => u.component));
    const by = { agency: state.agency, official: caller.principal.official, correlationId: caller.requestId };
    for (const [component, source] of Object.entries(state.held)) {
      if (source.kind !== 'document' || provided.has(component)) continue;
      await this.deps.documents.reuse(by, {
        documentId: source.documentId,
        subject: state.applicant,
        dossier: dossierId,
        componentCode: component,
      });
    }
    return this.deps.dossiers.completeDeclaration(caller.by, dossierId, { values, uploads });
  }

  /** The applicant as vouched for, who must be the dossier's. */
  private checked(state: DossierState, applicant: ApplicantAttributes, field: string): ApplicantAttributes {
    if (this.deps.pseudonymize('citizen', applicant.personalId) !== state.applicant) {
      throw new DossierInvalidInputError('is not the applicant of the dossier', field);
    }
    return applicant;
  }

  /**
   * Without anyone vouching: the applicant's personal ID as the declaration holds it, in a field the
   * eForm fills from the applicant's (a linked dossier's declarant, mapped from its parent's),
   * accepted only when it is the dossier's applicant's.
   */
  private applicantInDeclaration(
    state: DossierState,
    plan: PrefillPlan,
    declarations: readonly Record<string, unknown>[],
  ): ApplicantAttributes {
    for (const f of plan.fields) {
      if (f.source.kind !== 'applicant' || f.source.attribute !== 'personalId') continue;
      for (const values of declarations) {
        const personalId = valueAt(values, f.path);
        if (
          typeof personalId === 'string' &&
          this.deps.pseudonymize('citizen', personalId) === state.applicant
        ) {
          return { personalId };
        }
      }
    }
    throw new DossierInvalidInputError('name the applicant: the declaration does not', 'applicant');
  }

  /** The parent's declaration and the link of the parent's procedure to `code`. */
  private async linkFrom(parent: string, code: string) {
    const { state, values } = await this.deps.dossiers.declaration(parent);
    const link = this.procedure(state.procedure).record.linked.find((l) => l.code === code);
    return link && { values, link };
  }

  procedure(ref: ProcedureRef) {
    const key = `${ref.code}@${ref.version}`;
    let found = this.procedures.get(key);
    if (!found) {
      const record = getProcedure(this.deps.readModels, ref.code, Number(ref.version));
      if (!record) throw new DossierProcedureUnknownError(ref.code, ref.version);
      found = { record, plan: prefillPlan(record) };
      this.procedures.set(key, found);
    }
    return found;
  }
}

/**
 * Records are read for the agency competent for the dossier (the consumer its contracts name),
 * whoever asks: its desk, the desk that took the dossier in, or the citizen's portal. The access
 * record names the asking official and token.
 */
const onBehalfOf = (state: DossierState, caller: Principal): Principal => ({
  agency: state.agency,
  role: 'consumer',
  official: caller.official,
  tokenId: caller.tokenId,
  expiresAt: caller.expiresAt,
});
