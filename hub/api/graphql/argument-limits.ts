import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { type FieldCheck, fieldChecks } from '../../events/limits.js';
import type { EventValidator } from '../../events/validator.js';
import { ApiBadInputError, SchemaLoadError } from '../../kernel/errors/index.js';

/** An argument (or a member of an input argument) whose value is written into an event field. */
export interface ArgumentField {
  /** `Type.field` of the schema, e.g. `Mutation.withdrawConsent`. */
  field: string;
  /** The argument, dotted into input objects: `reason`, `input.purposes`. */
  argument: string;
  event: string;
  /** The event field (see `fieldRule`). */
  path: string;
  /** Schema keywords not checked here because the writer handles them (e.g. it drops duplicates). */
  omit?: readonly string[];
}

/**
 * Every argument that reaches an event, with the event field that bounds it. The limits themselves
 * live only in the event schemas; `person`'s `purpose` and `dossier` are checked by the release
 * service, which records the refusal.
 */
export const ARGUMENT_FIELDS: readonly ArgumentField[] = [
  { field: 'Mutation.grantConsent', argument: 'input.consumer', event: 'ConsentGranted', path: 'consumer' },
  {
    field: 'Mutation.grantConsent',
    argument: 'input.purposes',
    event: 'ConsentGranted',
    path: 'purposes',
    omit: ['uniqueItems'],
  },
  {
    field: 'Mutation.grantConsent',
    argument: 'input.scope',
    event: 'ConsentGranted',
    path: 'scope',
    omit: ['uniqueItems'],
  },
  { field: 'Mutation.grantConsent', argument: 'input.dossier', event: 'ConsentGranted', path: 'dossier' },
  { field: 'Mutation.withdrawConsent', argument: 'id', event: 'ConsentWithdrawn', path: 'consentId' },
  { field: 'Mutation.withdrawConsent', argument: 'reason', event: 'ConsentWithdrawn', path: 'reason' },
  { field: 'Mutation.revokeContract', argument: 'id', event: 'ContractRevoked', path: 'contractId' },
  { field: 'Mutation.revokeContract', argument: 'reason', event: 'ContractRevoked', path: 'reason' },
];

const valueAt = (args: Record<string, unknown>, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], args);

/**
 * Wraps the resolvers of the fields in `fields` so that each argument is checked against its event
 * field's schema before the resolver runs: a value the event could not hold is `BAD_USER_INPUT`
 * naming the argument (`extensions.field`, e.g. `input.scope[0].fields`) and, for sizes,
 * `extensions.limit`. Called once at boot; an argument or event field that does not exist stops it (a
 * field whose module is not part of the API is skipped).
 */
export function enforceArgumentLimits(
  schema: GraphQLSchema,
  schemas: EventValidator,
  fields: readonly ArgumentField[] = ARGUMENT_FIELDS,
): void {
  const compile = fieldChecks(schemas);
  const byField = new Map<string, { argument: string; check: FieldCheck }[]>();
  for (const f of fields) {
    const list = byField.get(f.field) ?? [];
    list.push({ argument: f.argument, check: compile(f.event, f.path, { omit: f.omit }) });
    byField.set(f.field, list);
  }
  for (const [coordinate, checks] of byField) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const field = (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields?.()[fieldName];
    if (!field) continue; // the module that serves it is not in this API
    for (const { argument } of checks) {
      const name = argument.split('.')[0];
      if (!field.args.some((a) => a.name === name)) {
        throw new SchemaLoadError('schema.graphql', `${coordinate} has no argument ${name}`);
      }
    }
    const resolve = field.resolve as GraphQLFieldResolver<unknown, unknown> | undefined;
    if (!resolve) throw new SchemaLoadError('schema.graphql', `${coordinate} has no resolver`);
    field.resolve = (source, args, context, info) => {
      for (const { argument, check } of checks) {
        const value = valueAt(args, argument);
        if (value === undefined || value === null) continue;
        const issue = check(value);
        if (issue) {
          const at = `${argument}${issue.at}`;
          throw new ApiBadInputError(`${at} ${issue.message}`, { field: at, limit: issue.limit });
        }
      }
      return resolve(source, args, context, info);
    };
  }
}
