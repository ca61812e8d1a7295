/** A database URL fit to print: its password replaced by `***` (a file path is printed as it is). */
export function redactPassword(target: string): string {
  if (!target.includes('://')) return target;
  const u = new URL(target);
  if (u.password) u.password = '***';
  return u.toString();
}
