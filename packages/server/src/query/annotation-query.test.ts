import { describe, expect, it } from 'vitest';
import { parseAnnotationQuery } from './annotation-query.js';

describe('parseAnnotationQuery', () => {
  it('is undefined for absent or empty input', () => {
    expect(parseAnnotationQuery(undefined)).toBeUndefined();
    expect(parseAnnotationQuery('')).toBeUndefined();
    expect(parseAnnotationQuery('   ')).toBeUndefined();
  });

  it('parses key=value terms and bare words joined by " and "', () => {
    expect(parseAnnotationQuery('http.method=GET and error')).toEqual({
      'http.method': 'GET',
      error: '',
    });
  });

  it('trims keys and values, and keeps = inside values', () => {
    expect(parseAnnotationQuery(' http.path = /a=b?c and  ws ')).toEqual({
      'http.path': '/a=b?c',
      ws: '',
    });
  });

  it('treats key= as a bare word', () => {
    expect(parseAnnotationQuery('error=')).toEqual({ error: '' });
  });

  it('lets a later key=value replace an earlier term, but never a bare word replace one', () => {
    expect(parseAnnotationQuery('a=1 and a=2')).toEqual({ a: '2' });
    expect(parseAnnotationQuery('a and a=2')).toEqual({ a: '2' });
    expect(parseAnnotationQuery('a=1 and a')).toEqual({ a: '1' });
  });

  it('is case-sensitive and splits only on lower-case " and "', () => {
    expect(parseAnnotationQuery('a=1 AND b')).toEqual({ a: '1 AND b' });
    expect(parseAnnotationQuery('band=x and sand')).toEqual({ band: 'x', sand: '' });
  });

  it('ignores empty terms', () => {
    expect(parseAnnotationQuery('a and  and b and ')).toEqual({ a: '', b: '' });
    expect(parseAnnotationQuery('=x')).toBeUndefined();
  });

  it('keeps hostile keys as plain data', () => {
    const parsed = parseAnnotationQuery('__proto__=x and constructor');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed ?? {})).toEqual(['__proto__', 'constructor']);
    expect(parsed?.['__proto__']).toBe('x');
  });

  it('splits into at most 100 terms, the last holding the rest, like Zipkin', () => {
    const words = Array.from({ length: 120 }, (_, i) => `w${i}`);
    const parsed = parseAnnotationQuery(words.join(' and ')) ?? {};
    const keys = Object.keys(parsed);
    expect(keys).toHaveLength(100);
    expect(keys[98]).toBe('w98');
    expect(keys[99]).toBe(words.slice(99).join(' and '));
  });

  it('keeps unicode and control characters', () => {
    expect(parseAnnotationQuery('服务=名字 and \u0000x')).toEqual({ 服务: '名字', '\u0000x': '' });
  });
});
