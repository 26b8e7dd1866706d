import { describe, expect, it } from 'vitest';
import { checkJson, MAX_DEPTH } from './json-body.ts';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('checkJson', () => {
  it('accepts ordinary JSON, including emoji, CJK and bidi controls', () => {
    expect(
      checkJson({ name: '日本語 🚀 \u202E', list: [1, { a: null }], deep: nested(MAX_DEPTH - 1) }),
    ).toEqual([]);
  });

  it('refuses more than MAX_DEPTH nested objects and arrays, at the pointer where it goes too deep', () => {
    const problems = checkJson({ a: nested(MAX_DEPTH) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'too_deep' });
    expect(problems[0]?.field.startsWith('/a/0/0')).toBe(true);
  });

  it('refuses __proto__ keys and constructor.prototype, where they are', () => {
    const parsed: unknown = JSON.parse(
      '{"x":{"__proto__":{"a":1}},"constructor":{"prototype":{}}}',
    );
    expect(checkJson(parsed).map((p) => `${p.field} ${p.code}`)).toEqual([
      '/constructor field_not_allowed',
      '/x/__proto__ field_not_allowed',
    ]);
    expect(checkJson({ constructor: 'a plain string is fine' })).toEqual([]);
  });

  it('refuses NUL and lone surrogates in values and keys, with JSON pointers escaped', () => {
    const parsed: unknown = JSON.parse('{"a/b":["ok","\\u0000"],"\\ud800":1,"c":"\\udc00x"}');
    expect(checkJson(parsed).map((p) => `${p.field} ${p.code}`)).toEqual([
      ' invalid_characters',
      '/a~1b/1 invalid_characters',
      '/c invalid_characters',
    ]);
  });
});
