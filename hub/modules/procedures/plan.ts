import { formFields, isNode } from './eform.js';
import type {
  ApplicantAttribute,
  ComponentSupply,
  DatasetSource,
  Prefill,
  ProcedureDefinition,
  ResultType,
} from './events.js';

/** Which record of a dataset: the applicant's, a person's named in a form field, or one keyed by a form field. */
export type RecordLookup =
  | { by: 'applicant' }
  | { by: 'person'; field: string }
  | { by: 'key'; field: string };

export interface DatasetPlan {
  kind: 'dataset';
  dataset: string;
  lookup: RecordLookup;
  /** Declared when the data is read: the source's purpose, or `tthc-<code>`. */
  purpose: string;
}

export type FieldSource =
  | (DatasetPlan & { field: string })
  | { kind: 'result'; result: ResultType; field: string }
  | { kind: 'applicant'; attribute: ApplicantAttribute };

export type ComponentSource =
  | (DatasetPlan & { fields: string[] })
  | { kind: 'result'; result: ResultType }
  | { kind: 'upload' }
  | { kind: 'declaration' };

export interface FieldPlan {
  /** Dotted path in the eForm. */
  path: string;
  /** JSON pointer into the declaration. */
  pointer: string;
  source: FieldSource;
}

export interface ComponentPlan {
  code: string;
  name: string;
  required: boolean;
  source: ComponentSource;
}

/** Where each eForm field and each component of a procedure comes from. */
export interface PrefillPlan {
  code: string;
  /** eForm fields the state can fill, in form order. */
  fields: FieldPlan[];
  /** Leaf fields nothing fills: what the citizen still types. */
  typed: string[];
  components: ComponentPlan[];
}

const datasetPlan = (code: string, source: DatasetSource): DatasetPlan => ({
  kind: 'dataset',
  dataset: source.dataset,
  lookup:
    source.key !== undefined
      ? { by: 'key', field: source.key }
      : source.subject !== undefined
        ? { by: 'person', field: source.subject }
        : { by: 'applicant' },
  purpose: source.purpose ?? `tthc-${code}`,
});

function fieldSource(code: string, prefill: Prefill): FieldSource {
  if ('applicant' in prefill) return { kind: 'applicant', attribute: prefill.applicant };
  if ('result' in prefill) return { kind: 'result', result: prefill.result, field: prefill.field };
  return { ...datasetPlan(code, prefill), field: prefill.field };
}

function componentSource(code: string, supply: ComponentSupply): ComponentSource {
  if ('dataset' in supply) return { ...datasetPlan(code, supply), fields: supply.fields };
  if ('result' in supply) return { kind: 'result', result: supply.result };
  if ('upload' in supply) return { kind: 'upload' };
  return { kind: 'declaration' };
}

/** The prefill plan of a procedure: per eForm field and per component, where the value comes from. */
export function prefillPlan(
  procedure: Pick<ProcedureDefinition, 'code' | 'eForm' | 'components'>,
): PrefillPlan {
  const fields: FieldPlan[] = [];
  const typed: string[] = [];
  // a field inside a prefilled object is filled with it
  const covered = (path: string) => fields.some((p) => path.startsWith(`${p.path}.`));
  for (const f of formFields(procedure.eForm)) {
    if (covered(f.path)) continue;
    const prefill = f.schema['x-prefill'];
    if (isNode(prefill)) {
      fields.push({
        path: f.path,
        pointer: f.pointer,
        source: fieldSource(procedure.code, prefill as Prefill),
      });
    } else if (f.leaf) {
      typed.push(f.path);
    }
  }
  const components = procedure.components.map((c) => ({
    code: c.code,
    name: c.name,
    required: c.required,
    source: componentSource(procedure.code, c.supply),
  }));
  return { code: procedure.code, fields, typed, components };
}
