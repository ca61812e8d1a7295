import { describe, expect, it } from 'vitest';
import { csvRowCount, jsonRowCount } from './export-rows.ts';

describe('rows of an export', () => {
  it('counts CSV records after the header, quoted line breaks inside a field included', () => {
    expect(csvRowCount('id,at\r\n1,x\r\n2,y\r\n')).toBe(2);
    expect(csvRowCount('id,note\n1,"two\nlines"\n2,"a ""quote"""')).toBe(2);
    expect(csvRowCount('id,at\r\n')).toBe(0);
    expect(csvRowCount('')).toBe(0);
  });

  it('counts JSON entries: an array, an object holding one, or a value a line', () => {
    expect(jsonRowCount('[{"id":1},{"id":2},{"id":3}]')).toBe(3);
    expect(jsonRowCount('[]')).toBe(0);
    expect(jsonRowCount('{"entries":[{"id":1}],"total":1}')).toBe(1);
    expect(jsonRowCount('{"id":1}\n{"id":2}\n')).toBe(2);
    expect(jsonRowCount('')).toBe(0);
  });
});
