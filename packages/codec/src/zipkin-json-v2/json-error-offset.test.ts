import { describe, expect, it } from 'vitest';
import { jsonErrorIndex } from './json-error-offset.js';

describe('jsonErrorIndex', () => {
  it('points at the first bad character', () => {
    const cases: Array<[string, number]> = [
      ['[}', 1], ['abc', 0], ['[1,2,,]', 5], ['[1,]', 3], ['{"a" 1}', 5], ['{a:1}', 1], ['[tru]', 4], ['[1] x', 4],
      ['["a\\x"]', 3], ['[01]', 2], ['{"a":1,}', 7], ['[{"k":[1,{"z":nul}]}]', 17], ['["\u0001"]', 2],
    ];
    for (const [text, at] of cases) expect(jsonErrorIndex(text), text).toBe(at);
  });
  it('says the input ended early with its length', () => {
    for (const text of ['', '[', '[1,', '{"a":', '"abc', '[{"a":[1,2]']) expect(jsonErrorIndex(text), text).toBe(text.length);
  });
  it('agrees with JSON.parse on valid input (-1) and copes with deep nesting', () => {
    for (const text of ['[]', '[{"a":[1,-2.5e3,true,false,null,"x\\u00e9"]},{}]', ' {"a":{"b":[]}} ']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorIndex(text)).toBe(-1);
    }
    const deep = `${'['.repeat(300_000)}x`;
    expect(jsonErrorIndex(deep)).toBe(300_000);
  });
});
