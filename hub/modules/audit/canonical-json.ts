/**
 * The JSON Canonicalization Scheme (RFC 8785, JCS): one text for one JSON value, whatever order
 * its object members were written in. Members sorted by their names' UTF-16 code units (not by
 * locale), no whitespace, numbers as ECMAScript writes them (`JSON.stringify`: shortest round-trip
 * form, `1e+30`, `0.002`), strings escaped as `JSON.stringify` escapes them (`\"`, `\\`, `\b \f \n
 * \r \t`, other controls as `\u00xx`, everything else as is). The text is hashed as UTF-8.
 *
 * Values come from parsed JSON, so the only departure from the RFC is on input it forbids: a lone
 * surrogate (which I-JSON excludes) is written as `JSON.stringify` escapes it instead of refused, so
 * a stored event can always be canonicalised. Members whose value is `undefined` are left out, as
 * `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item = value[i];
          out += item === undefined ? 'null' : canonicalJson(item);
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      // the default sort compares UTF-16 code units, which is the order the RFC asks for
      const names = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const name of names) {
        const member = record[name];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${quote(name)}:${canonicalJson(member)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`JSON has no ${typeof value}`);
  }
}

/** Characters `JSON.stringify` writes otherwise than as themselves (and surrogates, paired or not). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as `JSON.stringify` writes it; most need no escaping and are only quoted. */
const quote = (text: string): string => (ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`);
