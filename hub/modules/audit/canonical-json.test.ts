import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('RFC 8785 canonical JSON', () => {
  it('writes the sample of the scheme byte for byte', () => {
    const input = JSON.parse(
      '{"numbers":[1E30,4.50,6,2e-3,0.000000000000000000000000001],' +
        '"escaping":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","other":[null,true,false]}',
    );
    const hex = [
      '7b 22 65 73 63 61 70 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c',
      '5c 5c 5c 22 2f 22 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 31 65 2b 33 30 2c 34 2e 35 2c 36 2c 30 2e',
      '30 30 32 2c 31 65 2d 32 37 5d 2c 22 6f 74 68 65 72 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61',
      '6c 73 65 5d 7d',
    ]
      .join(' ')
      .replaceAll(' ', '');
    expect(Buffer.from(canonicalJson(input), 'utf8').toString('hex')).toBe(hex);
  });

  it('sorts members by UTF-16 code units, whatever the locale or the order written', () => {
    const weird = JSON.parse(
      '{"\\u20ac":"Euro Sign","1":"One","\\u0080":"Control\\u007f","\\ud83d\\ude02":"Smiley",' +
        '"\\u00f6":"Latin Small Letter O With Diaeresis","\\ufb33":"Hebrew Letter Dalet With Dagesh",' +
        '"</script>":"Browser Challenge"}',
    );
    expect(canonicalJson(weird)).toBe(
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    const french = {
      sin: 'ingnore locale',
      pêche: 'but canonicalization MUST',
      péché: 'is wrong',
      peach: 'This',
    };
    expect(canonicalJson(french)).toBe(
      '{"peach":"This","péché":"is wrong","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    );
  });

  it('gives one text for one value: nesting, arrays kept in order, numbers in their shortest form', () => {
    const a = { b: [3, { z: 1, a: -0 }, 'x'], a: { d: 1e21, c: 0.1 + 0.2, e: 1e-7 } };
    const b = JSON.parse(
      '{"a":{"e":1E-7,"c":0.30000000000000004,"d":1000000000000000000000},"b":[3,{"a":0,"z":1},"x"]}',
    );
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe(
      '{"a":{"c":0.30000000000000004,"d":1e+21,"e":1e-7},"b":[3,{"a":0,"z":1},"x"]}',
    );
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });

  it('gives the stored text back for what JSON.stringify wrote without integer-like keys out of order', () => {
    const stored = '{"caller":{"agency":"x"},"dossier":null,"fields":["a","b"],"n":12.5}';
    expect(canonicalJson(JSON.parse(stored))).toBe(stored);
  });

  it('writes every string as JSON.stringify does: escapes, controls, pairs and lone surrogates', () => {
    const samples = [
      'plain',
      'Nguyễn Văn A',
      'quote " and \\ back',
      '\u0000\u0007\b\t\n\f\r\u001f',
      '\u2028',
      '😂',
      '\ud83d',
      'x\ude02',
    ];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let j = 0; j < 12; j++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        text += String.fromCharCode(seed % 3 === 0 ? seed % 0x60 : seed % 0x10000);
      }
      samples.push(text);
    }
    for (const text of samples) expect(canonicalJson(text)).toBe(JSON.stringify(text));
  });
});
