import { DossierComponentUnknownError, DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { ComponentInput, ComponentUpload } from './commands.js';
import { countFields, valueAt } from './declaration.js';
import type { ProcedureInfo } from './ports.js';

/** Every component must be one the procedure asks for; the error names the input field. */
export function checkComponents(
  procedure: ProcedureInfo,
  components: readonly (ComponentInput | ComponentUpload)[],
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

/**
 * Counts of prefilled and typed fields (leaf values); every prefilled name must be a field of the
 * form (a dotted path to a value the declaration holds).
 */
export function declarationFields(declaration: {
  values: Record<string, unknown>;
  prefilled: readonly string[];
}) {
  declaration.prefilled.forEach((name, i) => {
    if (valueAt(declaration.values, name) === undefined) {
      throw new DossierInvalidInputError(
        `${name} is not a field of the declaration`,
        `input.declaration.prefilled[${i}]`,
      );
    }
  });
  return countFields(declaration.values, { paths: declaration.prefilled });
}

/** An ISO-8601 date-time as a canonical UTC instant. */
export function instant(value: string, field: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new DossierInvalidInputError('must be an ISO-8601 date-time', field);
  return new Date(t).toISOString();
}
