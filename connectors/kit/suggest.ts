/** Lower case without diacritics (đ → d), so `ho_tên` and `Ho_Ten` compare as `ho_ten`. */
const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate a mistyped name most likely meant: the nearest by edit distance (ignoring case and
 * diacritics), if it is within a third of the name's length (at least one edit). Undefined when none is.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const target = plain(name);
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(target, plain(c));
    if (d <= limit && (!best || d < best.d)) best = { name: c, d };
  }
  return best?.name;
}
