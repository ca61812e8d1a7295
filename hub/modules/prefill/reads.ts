import type { Principal } from '../../kernel/principal.js';
import {
  type RecordOutcome,
  type ReleaseServices,
  releaseRecord,
  releaseRecordOfSubject,
} from '../access/index.js';
import type { HeldSource } from '../dossiers/index.js';
import { valueAt } from '../dossiers/index.js';
import type {
  ComponentPlan,
  DatasetPlan,
  FieldPlan,
  LinkedProcedure,
  PrefillPlan,
} from '../procedures/index.js';
import type { ApplicantAttributes, ComponentOutcome, FieldOutcome } from './types.js';

/** What the reads of one prefill need. */
export interface ReadContext {
  release: ReleaseServices['release'];
  /** Earlier results of the applicant of a type, newest first (the documents service's `findResults`). */
  findResults(resultType: string): { documentId: string; sourceEventId: string }[];
  /** On whose behalf records are read: the agency competent for the dossier. */
  principal: Principal;
  dossier: string;
  requestId: string;
  applicant: ApplicantAttributes;
  /** The declaration as recorded: where a person's or a record's key is looked up. */
  current: Record<string, unknown>;
  /** For a linked dossier: its parent, the parent's declaration and the link's mappings. */
  linked?: { dossier: string; values: Record<string, unknown>; link: LinkedProcedure };
}

/** One record read for the prefill: every field the form and the components need of it, asked for at once. */
interface Read {
  plan: DatasetPlan;
  value: string;
  fields: Set<string>;
  outcome?: RecordOutcome;
}

const top = (field: string) => field.split('.')[0]!;

const unfilled = (reason: string, message: string) => ({ filled: false as const, reason, message });

/**
 * Reads everything the state holds for a dossier's declaration and components: what the portal or
 * the ID card vouches for about the applicant, the shared records (one release per record, each a
 * `DataAccessed` naming the dossier; a refusal leaves its fields to the citizen, with its code),
 * and the applicant's earlier results. Fields are filled in form order; a record looked up by a
 * form field (the mother's ID number, a parcel's id) finds it in the declaration as recorded or
 * among the values filled before it.
 */
export async function readAll(whole: PrefillPlan, ctx: ReadContext) {
  const filled: Record<string, unknown> = {};
  const lookupValue = (field: string) => {
    const v = valueAt(ctx.current, field) ?? valueAt(filled, field);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };

  const linked = ctx.linked ? linkedFields(ctx.linked) : [];
  for (const f of linked) setAt(filled, f.path, f.value);
  const plan = withoutLinked(whole, linked);
  const fields = new Map<FieldPlan, FieldOutcome>();
  for (const f of plan.fields) {
    if (f.source.kind !== 'applicant') continue;
    const value = ctx.applicant[f.source.attribute];
    const outcome: FieldOutcome =
      value === undefined
        ? {
            path: f.path,
            source: f.source,
            ...unfilled('NOT_PROVIDED', `${f.source.attribute} was not given`),
          }
        : { path: f.path, source: f.source, filled: true, value };
    if (outcome.filled) setAt(filled, f.path, value);
    fields.set(f, outcome);
  }

  const reads = new Map<string, Read>();
  const readOf = (p: DatasetPlan, wanted: readonly string[]): Read | { missing: string } => {
    const value = p.lookup.by === 'applicant' ? ctx.applicant.personalId : lookupValue(p.lookup.field);
    if (value === undefined) return { missing: (p.lookup as { field: string }).field };
    const key = [p.dataset, p.lookup.by === 'key' ? 'key' : 'person', value, p.purpose].join('\u0000');
    let read = reads.get(key);
    if (!read) {
      read = { plan: p, value, fields: new Set() };
      reads.set(key, read);
    }
    for (const w of wanted) read.fields.add(top(w));
    return read;
  };
  const fieldReads = new Map<FieldPlan, Read | { missing: string }>();
  for (const f of plan.fields) {
    if (f.source.kind === 'dataset') fieldReads.set(f, readOf(f.source, [f.source.field]));
  }
  const componentReads = new Map<ComponentPlan, Read | { missing: string }>();
  for (const c of plan.components) {
    if (c.source.kind === 'dataset') componentReads.set(c, readOf(c.source, c.source.fields));
  }
  await Promise.all([...reads.values()].map(async (read) => (read.outcome = await release(read, ctx))));

  for (const f of plan.fields) {
    if (f.source.kind === 'result') {
      fields.set(f, {
        path: f.path,
        source: f.source,
        ...unfilled('RESULT_NOT_READ', 'an earlier result is reused as a component, its values are not read'),
      });
    }
    const read = fieldReads.get(f);
    if (read === undefined || f.source.kind !== 'dataset') continue;
    const outcome = fieldFrom(f, f.source.field, read);
    if (outcome.filled) setAt(filled, f.path, outcome.value);
    fields.set(f, outcome);
  }

  const components = plan.components.map((c): ComponentOutcome => {
    const base = { code: c.code, name: c.name, required: c.required, source: c.source };
    switch (c.source.kind) {
      case 'declaration':
        return { ...base, satisfiedBy: 'declaration' };
      case 'upload':
        return { ...base, satisfiedBy: 'upload' };
      case 'result': {
        const [newest] = ctx.findResults(c.source.result);
        if (!newest) {
          return {
            ...base,
            satisfiedBy: 'upload',
            ...unfilled('NO_EARLIER_RESULT', `no ${c.source.result} held`),
          };
        }
        const held: HeldSource = {
          kind: 'document',
          documentId: newest.documentId,
          eventId: newest.sourceEventId,
        };
        return { ...base, satisfiedBy: 'reuse', held };
      }
      default:
        return componentFrom(base, c.source.fields, componentReads.get(c)!);
    }
  });

  const accesses = [...reads.values()].flatMap((r) =>
    r.outcome?.released ? [r.outcome.release.accessId] : [],
  );
  const outcomes = [...linked, ...plan.fields.map((f) => fields.get(f)!)];
  return { filled, fields: outcomes, typed: plan.typed, components, accesses };
}

/** Each mapping of the link with a value (fixed, or in the parent's declaration at `from`), the value copied. */
export function mappedValues(parent: Record<string, unknown>, link: LinkedProcedure) {
  return link.mappings.flatMap((m) => {
    const value = m.from === undefined ? m.value : valueAt(parent, m.from);
    if (value === undefined || value === null || value === '') return [];
    return [{ to: m.to, from: m.from ?? null, value: structuredClone(value) }];
  });
}

/** The fields a linked dossier's parent fills: each mapping of the link with a value in the parent's declaration. */
function linkedFields({ dossier, values, link }: NonNullable<ReadContext['linked']>): FieldOutcome[] {
  return mappedValues(values, link).map((m) => ({
    path: m.to,
    source: { kind: 'linked', dossier, field: m.from },
    filled: true,
    value: m.value,
  }));
}

/** The plan without the fields the parent fills (its declaration, not a read, is their source). */
function withoutLinked(plan: PrefillPlan, linked: readonly FieldOutcome[]): PrefillPlan {
  if (linked.length === 0) return plan;
  const paths = linked.map((f) => f.path);
  const covered = (path: string) => paths.some((p) => path === p || path.startsWith(`${p}.`));
  return {
    ...plan,
    fields: plan.fields.filter((f) => !covered(f.path)),
    typed: plan.typed.filter((t) => !covered(t)),
  };
}

function release(read: Read, ctx: ReadContext): Promise<RecordOutcome> {
  const request = {
    principal: ctx.principal,
    dataset: read.plan.dataset,
    fields: [...read.fields],
    purpose: read.plan.purpose,
    dossier: ctx.dossier,
    requestId: ctx.requestId,
  };
  const services = { release: ctx.release };
  return read.plan.lookup.by === 'key'
    ? releaseRecord(services, { ...request, key: read.value })
    : releaseRecordOfSubject(services, { ...request, personalId: read.value });
}

const missing = (field: string) => unfilled('INPUT_MISSING', `${field} is needed to find the record`);

function fieldFrom(f: FieldPlan, field: string, read: Read | { missing: string }): FieldOutcome {
  const base = { path: f.path, source: f.source };
  if ('missing' in read) return { ...base, ...missing(read.missing) };
  const outcome = read.outcome!;
  if (!outcome.released) return { ...base, ...unfilled(outcome.refusal.code, outcome.refusal.message) };
  const value = valueAt(outcome.values, field);
  if (value === undefined || value === null)
    return { ...base, ...unfilled('NOT_IN_RECORD', 'the record holds none') };
  const recordEventId = outcome.release.sources.find((s) => s.field === top(field))?.eventId;
  return { ...base, filled: true, value, recordEventId, accessId: outcome.release.accessId };
}

function componentFrom(
  base: Omit<ComponentOutcome, 'satisfiedBy'>,
  fields: readonly string[],
  read: Read | { missing: string },
): ComponentOutcome {
  if ('missing' in read) return { ...base, satisfiedBy: 'upload', ...missing(read.missing) };
  const outcome = read.outcome!;
  if (!outcome.released) {
    return { ...base, satisfiedBy: 'upload', ...unfilled(outcome.refusal.code, outcome.refusal.message) };
  }
  const wanted = new Set(fields.map(top));
  const source = outcome.release.sources.find((s) => wanted.has(s.field));
  if (!source)
    return { ...base, satisfiedBy: 'upload', ...unfilled('NOT_IN_RECORD', 'the record holds none') };
  return {
    ...base,
    satisfiedBy: 'reuse',
    held: { kind: 'record-event', eventId: source.eventId },
    accessId: outcome.release.accessId,
  };
}

/** Sets the value at a dotted path, making the objects on the way. */
export function setAt(values: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = values;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
}
