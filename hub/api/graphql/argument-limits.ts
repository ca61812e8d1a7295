import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { type FieldCheck, fieldChecks } from '../../events/limits.js';
import type { EventValidator } from '../../events/validator.js';
import { ApiBadInputError, SchemaLoadError } from '../../kernel/errors/index.js';
import type { ArgumentLimit, HubModule } from '../../kernel/module.js';

/** Every module's argument limits, in module-list order. */
export const argumentLimitsOf = (modules: readonly HubModule[]): ArgumentLimit[] =>
  modules.flatMap((m) => m.graphql?.argumentLimits ?? []);

const valueAt = (args: Record<string, unknown>, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], args);

/**
 * Wraps the resolvers of the fields in `fields` (the modules' `graphql.argumentLimits`,
 * `argumentLimitsOf`) so that each argument is checked against its event field's schema before the
 * resolver runs: a value the event could not hold is `BAD_USER_INPUT` naming the argument
 * (`extensions.field`, e.g. `input.scope[0].fields`) and, for sizes, `extensions.limit`. The limits
 * themselves live only in the event schemas. Called once at boot; a field, argument, resolver or
 * event field that does not exist stops it.
 */
export function enforceArgumentLimits(
  schema: GraphQLSchema,
  schemas: EventValidator,
  fields: readonly ArgumentLimit[],
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
    if (!field) throw new SchemaLoadError('schema.graphql', `the schema has no field ${coordinate}`);
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
