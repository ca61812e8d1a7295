import type { Clock } from '../../kernel/clock.js';
import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { agencyInForceAt, type DossierService, listDossiers } from '../dossiers/index.js';
import { getProcedure, type LinkedProcedure, validateDeclaration } from '../procedures/index.js';
import { mappedValues, setAt } from './reads.js';
import type { PrefillCaller, PrefillService } from './service.js';

/** A linked procedure to fan out to, and the agency competent for it (default: the one organ its procedure names). */
export interface FanOutTarget {
  procedure: string;
  agency?: string;
}

/** A linked dossier of the fan-out: created now or already there, and how far the hub took its declaration. */
export interface LinkedChild {
  dossierId: string;
  procedure: string;
  agency: string;
  created: boolean;
  /** The hub prefilled it (from the parent's declaration, records and earlier results). */
  prefilled: boolean;
  /** The prefilled declaration was whole, and the hub completed it: the citizen was asked nothing. */
  completed: boolean;
}

export interface LinkedDeps {
  dossiers: DossierService;
  readModels: ReadModelDb;
  clock: Clock;
}

/** The declaration a linked dossier starts with: each mapping of the link with a value in the parent's. */
export function linkedDeclaration(parent: Record<string, unknown>, link: LinkedProcedure) {
  const mapped = mappedValues(parent, link);
  const values: Record<string, unknown> = {};
  for (const m of mapped) setAt(values, m.to, m.value);
  return { values, paths: mapped.map((m) => m.to) };
}

/**
 * Linked procedures (liên thông): a dossier fans out into dossiers of the procedures its procedure
 * links to, at the agencies competent for them, each with its own lifecycle. The parent's
 * declaration flows into each child's through the link's mappings; the hub then prefills the child
 * for its agency (records under that agency's contracts, the applicant's earlier results — the
 * parent's result among them) and, when the form is whole, completes it: the citizen is not asked.
 */
export class LinkedDossiers {
  constructor(
    private readonly prefill: PrefillService,
    private readonly deps: LinkedDeps,
  ) {}

  async fanOut(
    caller: PrefillCaller,
    parentId: string,
    targets: readonly FanOutTarget[],
  ): Promise<LinkedChild[]> {
    const { state: parent, values } = await this.deps.dossiers.declaration(parentId, caller.by);
    if (targets.length === 0) throw new DossierInvalidInputError('name the linked procedures', 'input.links');
    const { record } = this.prefill.procedure(parent.procedure);
    const now = this.deps.clock();
    const existing = new Map(
      listDossiers(this.deps.readModels, { parent: parentId }, { first: 100, now }).edges.map((e) => [
        e.node.procedure.code,
        e.node,
      ]),
    );
    // every target checked before anything is written
    const planned = targets.map((t, i) => {
      const at = `input.links[${i}]`;
      const link = record.linked.find((l) => l.code === t.procedure);
      if (!link) {
        throw new DossierInvalidInputError(
          `${record.code} does not link to ${t.procedure}`,
          `${at}.procedure`,
        );
      }
      const known = existing.get(t.procedure);
      return { link, known, agency: known ? known.agency : this.agencyFor(t, `${at}.agency`, now) };
    });
    const hub = { ...caller, by: { actor: caller.by.actor, correlationId: caller.by.correlationId } };
    const children: LinkedChild[] = [];
    for (const { link, known, agency } of planned) {
      const base = { procedure: link.code, agency, prefilled: false, completed: false };
      if (known) {
        children.push({ ...base, dossierId: known.dossierId, created: false });
        continue;
      }
      const mapped = linkedDeclaration(values, link);
      const child = await this.deps.dossiers.submit(caller.by, {
        channel: 'online',
        procedure: { code: link.code },
        agency,
        applicant: parent.applicant,
        declaration: { values: mapped.values, prefilled: mapped.paths },
        parent: parentId,
      });
      children.push({
        ...base,
        dossierId: child.dossierId,
        created: true,
        ...(await this.declare(hub, child.dossierId)),
      });
    }
    return children;
  }

  /**
   * Prefills the new child for its agency and completes it when the prefilled form is whole. A
   * child whose declaration names no applicant the hub can recognise is left to its agency.
   */
  private async declare(hub: PrefillCaller, dossierId: string) {
    let filled: Awaited<ReturnType<PrefillService['prefill']>>;
    try {
      filled = await this.prefill.prefill(hub, dossierId, undefined);
    } catch (error) {
      if (error instanceof DossierInvalidInputError && error.field === 'applicant') {
        return { prefilled: false, completed: false };
      }
      throw error;
    }
    const { record } = this.prefill.procedure(filled.procedure);
    if (!validateDeclaration(record, structuredClone(filled.values)).valid) {
      return { prefilled: true, completed: false };
    }
    await this.prefill.complete(hub, dossierId, filled.values, []);
    return { prefilled: true, completed: true };
  }

  private agencyFor(target: FanOutTarget, field: string, now: Date): string {
    const organs = getProcedure(this.deps.readModels, target.procedure)?.organs ?? [];
    const agency = target.agency ?? (organs.length === 1 ? organs[0] : undefined);
    if (!agency)
      throw new DossierInvalidInputError(`name the agency competent for ${target.procedure}`, field);
    return agencyInForceAt(this.deps.readModels, agency, now, field);
  }
}
