import type { StreamLineage } from './events.js';
import type { FieldRule, MappingSpec } from './mapping.js';
import { columnOwner, type StreamManifest, streamName } from './stream-source.js';

/** The steps of a rule that change the value, in the order they apply (names and cast types only). */
function stepsOf(rule: FieldRule): string[] {
  const steps: string[] = [];
  if (rule.nfc) steps.push('nfc');
  if (rule.collapseSpaces) steps.push('collapseSpaces');
  if (rule.trim) steps.push('trim');
  if (rule.remove) steps.push('remove');
  if (rule.cast) steps.push(`cast:${typeof rule.cast === 'string' ? rule.cast : rule.cast.type}`);
  if (rule.case) steps.push(`case:${rule.case}`);
  if (rule.values) steps.push('values');
  if (rule.mask) steps.push('mask');
  if (rule.hash) steps.push('hash');
  if ('default' in rule) steps.push('default');
  return steps;
}

/**
 * What a stream reads and writes, as `ConnectorRunStarted` records it: the tables it reads, the
 * dataset (or event target) it feeds, the source column of every mapped field with the steps the
 * mapping applies, and the columns that choose and order the rows (key, cursor, soft delete, join
 * keys). Names only, never a value.
 */
export function streamLineage(s: StreamManifest, mapping: Pick<MappingSpec, 'fields'>): StreamLineage {
  const owner = columnOwner(s);
  const column = (name: string) => {
    const { table, column } = owner(name);
    return { table, column };
  };
  const cursors = typeof s.cursorField === 'string' ? [s.cursorField] : (s.cursorField ?? []);
  const uses: StreamLineage['uses'] = [
    { ...column(s.primaryKey), use: 'key' },
    ...cursors.map((c) => ({ ...column(c), use: 'cursor' as const })),
    ...(s.softDelete ? [{ ...column(s.softDelete.column), use: 'softDelete' as const }] : []),
  ];
  for (const j of s.joins ?? []) {
    for (const [own, other] of Object.entries(j.on)) {
      uses.push({ table: j.table, column: own, use: 'join' }, { ...column(other), use: 'join' });
    }
    if (j.cursorField) uses.push({ table: j.table, column: j.cursorField, use: 'cursor' });
  }
  return {
    stream: streamName(s),
    dataset: s.dataset,
    ...(s.target ? { target: s.target } : {}),
    tables: s.query ? [] : [s.table!, ...(s.joins ?? []).map((j) => j.table)],
    fields: Object.entries(mapping.fields).map(([field, rule]) => ({
      field,
      ...column(rule.from),
      steps: stepsOf(rule),
    })),
    uses,
  };
}
