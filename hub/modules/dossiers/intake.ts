import { DossierComponentUnknownError, DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { ComponentInput } from './commands.js';
import type { ProcedureInfo } from './ports.js';

/** Every component must be one the procedure asks for; the error names the input field. */
export function checkComponents(
  procedure: ProcedureInfo,
  components: readonly ComponentInput[],
  field: string,
) {
  const known = new Set(procedure.components.map((c) => c.code));
  components.forEach((c, i) => {
    if (!known.has(c.component)) {
      const at = field === 'input' ? 'input.component' : `${field}[${i}].component`;
      throw new DossierComponentUnknownError(procedure.code, c.component, at);
    }
  });
}

/** Counts of prefilled and typed fields; every prefilled name must be a field of the form. */
export function declarationFields(declaration: {
  values: Record<string, unknown>;
  prefilled: readonly string[];
}) {
  const names = new Set(Object.keys(declaration.values));
  const prefilled = new Set<string>();
  declaration.prefilled.forEach((name, i) => {
    if (!names.has(name)) {
      throw new DossierInvalidInputError(
        `${name} is not a field of the declaration`,
        `input.declaration.prefilled[${i}]`,
      );
    }
    prefilled.add(name);
  });
  return { prefilled: prefilled.size, typed: names.size - prefilled.size };
}

/** An ISO-8601 date-time as a canonical UTC instant. */
export function instant(value: string, field: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new DossierInvalidInputError('must be an ISO-8601 date-time', field);
  return new Date(t).toISOString();
}
