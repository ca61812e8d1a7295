/**
 * The `where` language of method files: a small boolean language over dossier facts.
 *
 * ```
 * expr       := term ('or' term)*
 * term       := factor ('and' factor)*
 * factor     := 'not' factor | '(' expr ')' | fact [op value]
 * op         := '=' | '!=' | '<' | '<=' | '>' | '>='
 * value      := number | word | 'true' | 'false'
 * ```
 *
 * A fact alone is true when it is a true boolean or a number above zero. Words compare with
 * enumerated facts (`channel = online`, `outcome = result-issued`). Each expression compiles twice:
 * to a JavaScript predicate (what the projection counts with) and, where it does not depend on the
 * period, to an SQL condition over the read model's columns (what the drill-down narrows with).
 */

export type FactType = 'bool' | 'int' | 'number' | 'enum';

export interface FactSpec {
  type: FactType;
  /** For enums: the values it takes. */
  values?: readonly string[];
  /** The read-model column; absent for facts judged per period (`overdue`). */
  column?: string;
  description: string;
}

export type FactCatalogue = Readonly<Record<string, FactSpec>>;

export type Expr =
  | { op: 'and' | 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: 'fact'; fact: string }
  | { op: 'cmp'; fact: string; cmp: Comparison; value: number | string | boolean };

type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export class ExpressionError extends Error {}

const TOKEN = /\s*(\(|\)|!=|<=|>=|=|<|>|-?\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9-]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new ExpressionError(`unexpected ${JSON.stringify(text.slice(at).trim().slice(0, 12))}`);
    tokens.push(m[1]!);
  }
  return tokens;
}

/** Parses and checks an expression against the facts it may name; throws `ExpressionError`. */
export function parseExpression(text: string, facts: FactCatalogue): Expr {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new ExpressionError('unexpected end of the expression');
    return t;
  };
  const list = (op: 'and' | 'or', part: () => Expr): Expr => {
    const args = [part()];
    while (peek() === op) {
      i++;
      args.push(part());
    }
    return args.length === 1 ? args[0]! : { op, args };
  };
  const expr = (): Expr => list('or', term);
  const term = (): Expr => list('and', factor);
  const factor = (): Expr => {
    const t = next();
    if (t === 'not') return { op: 'not', arg: factor() };
    if (t === '(') {
      const inner = expr();
      if (next() !== ')') throw new ExpressionError('a parenthesis is not closed');
      return inner;
    }
    const spec = facts[t];
    if (!spec)
      throw new ExpressionError(
        `unknown fact ${JSON.stringify(t)} (known: ${Object.keys(facts).join(', ')})`,
      );
    const op = peek();
    if (op === undefined || !['=', '!=', '<', '<=', '>', '>='].includes(op)) {
      if (spec.type === 'enum')
        throw new ExpressionError(`${t} is compared with a value (${spec.values!.join(', ')})`);
      return { op: 'fact', fact: t };
    }
    i++;
    return { op: 'cmp', fact: t, cmp: op as Comparison, value: literal(t, spec, op as Comparison, next()) };
  };
  const result = expr();
  if (i < tokens.length) throw new ExpressionError(`unexpected ${JSON.stringify(tokens[i])}`);
  return result;
}

function literal(fact: string, spec: FactSpec, cmp: Comparison, token: string): number | string | boolean {
  if (spec.type === 'enum') {
    if (cmp !== '=' && cmp !== '!=') throw new ExpressionError(`${fact} is compared only with = or !=`);
    if (!spec.values!.includes(token)) {
      throw new ExpressionError(`${fact} is one of ${spec.values!.join(', ')}, not ${JSON.stringify(token)}`);
    }
    return token;
  }
  if (spec.type === 'bool') {
    if ((cmp !== '=' && cmp !== '!=') || (token !== 'true' && token !== 'false')) {
      throw new ExpressionError(`${fact} is compared only with = true or = false`);
    }
    return token === 'true';
  }
  const n = Number(token);
  if (!Number.isFinite(n))
    throw new ExpressionError(`${fact} is compared with a number, not ${JSON.stringify(token)}`);
  return n;
}

/** A fact's value as the predicates read it. */
export type FactValue = number | string | boolean | null;
export type FactView = Readonly<Record<string, FactValue>>;
export type Predicate = (facts: FactView) => boolean;

const truthy = (v: FactValue) => v === true || (typeof v === 'number' && v > 0);

function compare(a: FactValue, cmp: Comparison, b: number | string | boolean): boolean {
  if (a === null) return cmp === '!=';
  switch (cmp) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
}

/** The expression as a JavaScript predicate over a dossier's facts. */
export function toPredicate(e: Expr): Predicate {
  switch (e.op) {
    case 'and': {
      const parts = e.args.map(toPredicate);
      return (f) => parts.every((p) => p(f));
    }
    case 'or': {
      const parts = e.args.map(toPredicate);
      return (f) => parts.some((p) => p(f));
    }
    case 'not': {
      const inner = toPredicate(e.arg);
      return (f) => !inner(f);
    }
    case 'fact':
      return (f) => truthy(f[e.fact] ?? null);
    case 'cmp':
      return (f) => compare(f[e.fact] ?? null, e.cmp, e.value);
  }
}

const sqlValue = (v: number | string | boolean) =>
  typeof v === 'number'
    ? String(v)
    : typeof v === 'boolean'
      ? v
        ? '1'
        : '0'
      : `'${v.replaceAll("'", "''")}'`;

/**
 * The expression as an SQL condition over the read model's columns, or null when it names a fact
 * judged per period. Enum values were checked against the catalogue, numbers parsed: nothing of the
 * caller reaches the text.
 */
export function toSql(e: Expr, facts: FactCatalogue): string | null {
  switch (e.op) {
    case 'and':
    case 'or': {
      const parts = e.args.map((a) => toSql(a, facts));
      if (parts.some((p) => p === null)) return null;
      return `(${parts.join(` ${e.op.toUpperCase()} `)})`;
    }
    case 'not': {
      const inner = toSql(e.arg, facts);
      return inner === null ? null : `(NOT ${inner})`;
    }
    case 'fact': {
      const column = facts[e.fact]!.column;
      return column ? `(${column} > 0)` : null;
    }
    case 'cmp': {
      const column = facts[e.fact]!.column;
      if (!column) return null;
      const op = e.cmp === '=' ? 'IS' : e.cmp === '!=' ? 'IS NOT' : e.cmp;
      return `(${column} ${op} ${sqlValue(e.value)})`;
    }
  }
}

/**
 * The part of the expression SQL can test, as a condition every matching dossier meets: the
 * whole expression when it can, else the conjuncts of a top-level `and` that can (the rest is
 * tested in JavaScript), else nothing (`1`).
 */
export function sqlNarrowing(e: Expr | null, facts: FactCatalogue): string {
  if (e === null) return '1';
  const whole = toSql(e, facts);
  if (whole !== null) return whole;
  if (e.op !== 'and') return '1';
  const parts = e.args.map((a) => toSql(a, facts)).filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' AND ') : '1';
}
