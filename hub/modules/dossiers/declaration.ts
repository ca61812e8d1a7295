/**
 * The fields of a declaration as the once-only measure counts them: its leaf values (a value that is
 * not an object with fields of its own), each named by its dotted path (`mother.fullName`). An
 * absent, null or empty-text value is no field.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The dotted paths of the declaration's leaf values, in document order. */
export function leafPaths(values: Json, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value === undefined || value === null || value === '') continue;
    if (isObject(value)) {
      if (Object.keys(value).length > 0) paths.push(...leafPaths(value, path));
    } else {
      paths.push(path);
    }
  }
  return paths;
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: unknown, path: string): unknown {
  let at: unknown = values;
  for (const key of path.split('.')) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

/** Whether two JSON values are equal (objects by their fields, whatever the order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
  );
}

/** What the state supplied: the fields it filled (dotted paths) and, when known, the values it filled them with. */
export interface Supplied {
  paths: readonly string[];
  values?: unknown;
}

/**
 * How many of the declaration's fields the state supplied and how many the citizen typed: a field
 * counts as supplied when it is, or lies inside, a supplied path and (when the supplied values are
 * known) still holds the value supplied; a value the citizen changed was typed.
 */
export function countFields(values: Json, supplied: Supplied): { prefilled: number; typed: number } {
  const roots = new Set(supplied.paths);
  const within = (path: string) => {
    for (let i = path.length; i > 0; i = path.lastIndexOf('.', i - 1)) {
      if (roots.has(path.slice(0, i))) return true;
    }
    return false;
  };
  let prefilled = 0;
  const leaves = leafPaths(values);
  for (const path of leaves) {
    const kept =
      within(path) &&
      (supplied.values === undefined || sameJson(valueAt(values, path), valueAt(supplied.values, path)));
    if (kept) prefilled++;
  }
  return { prefilled, typed: leaves.length - prefilled };
}
