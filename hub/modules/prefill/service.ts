import {
  DossierInvalidInputError,
  DossierInvalidTransitionError,
  DossierNotFoundError,
  DossierProcedureUnknownError,
} from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import type { ReleaseService } from '../access/index.js';
import type { DocumentService } from '../documents/index.js';
import {
  allowedFrom,
  type ComponentUpload,
  type DossierActor,
  type DossierService,
  type DossierState,
  type ProcedureRef,
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
    applicant: ApplicantAttributes,
    applicantField: string,
  ): Promise<PrefillResult> {
    const { state, values: current } = await this.deps.dossiers.declaration(dossierId, caller.by);
    const allowed = allowedFrom.RecordPrefill;
    if (allowed !== 'any' && !allowed.includes(state.status)) {
      throw new DossierInvalidTransitionError(dossierId, state.status, 'RecordPrefill');
    }
    if (this.deps.pseudonymize('citizen', applicant.personalId) !== state.applicant) {
      throw new DossierInvalidInputError('is not the applicant of the dossier', applicantField);
    }
    const { record, plan } = this.procedure(state.procedure);
    const { documents } = this.deps;
    const read = await readAll(plan, {
      release: this.deps.release,
      findResults: (resultType) => documents.findResults(state.applicant, resultType),
      principal: onBehalfOf(state, caller.principal),
      dossier: dossierId,
      requestId: caller.requestId,
      applicant,
      current,
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
      typed: [...plan.typed, ...read.fields.filter((f) => !f.filled).map((f) => f.path)],
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
    const state = await this.deps.dossiers.load(dossierId);
    if (state.status === 'none') throw new DossierNotFoundError(dossierId);
    caller.by.guard?.(state);
    assertDeclaration(this.procedure(state.procedure).record, values);
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

  private procedure(ref: ProcedureRef) {
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
