import type { DatasetDefinition } from '../records/index.js';

/** What the flags of a person's records are computed from. */
export interface GroupedRecord {
  dataset: string;
  digests: Record<string, string> | null;
}

/** The flags of one record among its person's records. */
export interface PersonFlags {
  /** A record of a person who has another record where a person has one (`x-dataset.subject.unique`). */
  dupSubject: boolean;
  /** Attributes compared with another record of the same person, in name order. */
  compared: string[];
  /** Attributes whose value differs from the person's other records, in name order. */
  conflicts: string[];
}

/**
 * The flags of every record of one person, in the order given:
 * - `dupSubject`: the record's dataset holds at most one record per person
 *   (`x-dataset.subject.unique`, the subject not being the key) and holds two or more of this one;
 * - for each attribute two or more of the person's records hold (`compared`): a record is in
 *   conflict when its digest is not the one most of those records hold, or when no single digest
 *   is held most (two records that disagree are both in conflict).
 */
export function personFlags(
  records: readonly GroupedRecord[],
  datasets: ReadonlyMap<string, DatasetDefinition>,
): PersonFlags[] {
  const perDataset = new Map<string, number>();
  for (const r of records) perDataset.set(r.dataset, (perDataset.get(r.dataset) ?? 0) + 1);
  const flags: PersonFlags[] = records.map((r) => {
    const def = datasets.get(r.dataset);
    const unique = def?.subject?.unique === true && def.subject.field !== def.key;
    return { dupSubject: unique && (perDataset.get(r.dataset) ?? 0) > 1, compared: [], conflicts: [] };
  });
  const attributes = [...new Set(records.flatMap((r) => Object.keys(r.digests ?? {})))].sort();
  for (const a of attributes) {
    const holders = records.flatMap((r, i) => (r.digests?.[a] === undefined ? [] : [i]));
    if (holders.length < 2) continue;
    const votes = new Map<string, number>();
    for (const i of holders)
      votes.set(records[i]!.digests![a]!, (votes.get(records[i]!.digests![a]!) ?? 0) + 1);
    const top = Math.max(...votes.values());
    const leaders = [...votes].filter(([, n]) => n === top).map(([d]) => d);
    for (const i of holders) {
      flags[i]!.compared.push(a);
      if (leaders.length > 1 || records[i]!.digests![a] !== leaders[0]) flags[i]!.conflicts.push(a);
    }
  }
  return flags;
}
