import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext } from 'graphql';
import { graphql } from './kit/graphql-runtime.js';

const { GraphQLError, Kind } = graphql;

export interface QueryLimits {
  /** Deepest nesting of fields (the operation's own fields are depth 1). */
  maxDepth: number;
  /** Aliased fields in the operation, fragments included. */
  maxAliases: number;
  /** Fields in the operation once fragments are expanded: each field costs 1. */
  maxCost: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxAliases: 10,
  maxCost: 200,
  maxBodyBytes: 32 * 1024,
};

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

/** Meta fields an introspection-only operation may select at its top level. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * Whether every top-level selection of an operation (through fragments) is an introspection meta
 * field. Nested selections under `__schema`/`__type` are bounded by graphql-js's own
 * `MaxIntrospectionDepthRule`, one of the specified rules every request passes.
 */
function introspectionOnly(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string> = new Set(),
): boolean {
  return set.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return INTROSPECTION_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return introspectionOnly(selection.selectionSet, fragments, seen);
    }
    const name = selection.name.value;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return false;
    return introspectionOnly(fragment.selectionSet, fragments, new Set([...seen, name]));
  });
}

export interface QueryLimitsRuleOptions {
  /**
   * Introspection is allowed (outside production): an operation that selects only `__schema`,
   * `__type` and `__typename` is exempt from the depth and cost limits, so the standard
   * introspection query of GraphiQL and code generators passes. Aliases still count.
   */
  introspection?: boolean;
}

/**
 * One validation rule for depth, aliases and cost. Validation runs before execution, so an
 * oversized query is refused before any resolver runs. Fragments are expanded (each spread counts
 * in full) with a guard against cycles, which the standard rules report on their own.
 */
export function queryLimitsRule(limits: QueryLimits, options: QueryLimitsRuleOptions = {}) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const measure = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): Measure => {
      const total: Measure = { depth: set ? depth : depth - 1, aliases: 0, cost: 0 };
      for (const selection of set?.selections ?? []) {
        let inner: Measure;
        if (selection.kind === Kind.FIELD) {
          inner = measure(selection.selectionSet, depth + 1, seen);
          inner.cost += 1;
          if (selection.alias) inner.aliases += 1;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = measure(selection.selectionSet, depth, seen);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          inner = measure(fragment.selectionSet, depth, new Set([...seen, name]));
        }
        total.depth = Math.max(total.depth, inner.depth);
        total.aliases += inner.aliases;
        total.cost += inner.cost;
        if (total.cost > limits.maxCost * 10) break;
      }
      return total;
    };
    return {
      OperationDefinition(node) {
        const m = measure(node.selectionSet, 1, new Set());
        const exempt = options.introspection === true && introspectionOnly(node.selectionSet, fragments);
        const check = (name: keyof Measure, max: number) => {
          if (m[name] > max) {
            context.reportError(
              new GraphQLError(`query ${name} ${m[name]} exceeds the limit of ${max}`, {
                nodes: [node],
                extensions: { code: 'BAD_USER_INPUT', limit: { name, max, actual: m[name] } },
              }),
            );
          }
        };
        if (!exempt) check('depth', limits.maxDepth);
        check('aliases', limits.maxAliases);
        if (!exempt) check('cost', limits.maxCost);
      },
    };
  };
}
