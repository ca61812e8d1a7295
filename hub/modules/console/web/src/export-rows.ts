/** Data rows of a CSV text with a header line (quoted fields may hold line breaks). */
export function csvRowCount(text: string): number {
  let records = 0;
  let quoted = false;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (content) records++;
      content = false;
      if (c === '\r' && text[i + 1] === '\n') i++;
      continue;
    }
    content = true;
  }
  if (content) records++;
  return Math.max(0, records - 1);
}

/** Entries of a JSON export: an array, an object holding one (`entries`), or one JSON value a line. */
export function jsonRowCount(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  try {
    const value = JSON.parse(trimmed) as unknown;
    if (Array.isArray(value)) return value.length;
    if (value && typeof value === 'object') {
      const list = Object.values(value).find(Array.isArray);
      if (list) return list.length;
    }
    return 1;
  } catch {
    return trimmed.split(/\r?\n/).filter((line) => line.trim() !== '').length;
  }
}
