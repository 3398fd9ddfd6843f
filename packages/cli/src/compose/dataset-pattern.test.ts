import { describe, expect, it } from 'vitest';
import { datasetPattern } from './dataset-pattern';

describe('datasetPattern', () => {
  it('an exact name matches the name and a path ending in it, nothing else', () => {
    const p = datasetPattern('ml-100k');
    expect(p.isGlob).toBe(false);
    expect(p.matches('ml-100k')).toBe(true);
    expect(p.matches('../shared/datasets/ml-100k')).toBe(true);
    expect(p.matches('../shared/datasets/ml-100k/')).toBe(true);
    expect(p.matches('ml-100k-extra')).toBe(false);
    expect(p.matches('ml-100')).toBe(false);
  });

  it('* and ? match within one path segment; literal dots are literal', () => {
    const a = datasetPattern('amazon-*');
    expect(a.matches('amazon-instruments')).toBe(true);
    expect(a.matches('/work/shared/datasets/amazon-arts')).toBe(true);
    expect(a.matches('my-amazon-arts')).toBe(false);
    expect(a.matches('amazon')).toBe(false);
    const q = datasetPattern('ml-?m');
    expect(q.matches('ml-1m')).toBe(true);
    expect(q.matches('ml-10m')).toBe(false);
    expect(datasetPattern('a.b').matches('axb')).toBe(false);
    expect(datasetPattern('a.b').matches('a.b')).toBe(true);
  });

  it('[...] classes (with ! negation) and {a,b} alternatives', () => {
    expect(datasetPattern('amazon-[bs]*').matches('amazon-beauty')).toBe(true);
    expect(datasetPattern('amazon-[bs]*').matches('amazon-sports')).toBe(true);
    expect(datasetPattern('amazon-[bs]*').matches('amazon-instruments')).toBe(false);
    expect(datasetPattern('amazon-[!b]*').matches('amazon-beauty')).toBe(false);
    expect(datasetPattern('amazon-[!b]*').matches('amazon-arts')).toBe(true);
    expect(datasetPattern('ml-{100k,1m}').matches('ml-1m')).toBe(true);
    expect(datasetPattern('ml-{100k,1m}').matches('ml-10m')).toBe(false);
  });

  it('a pattern with a slash is matched against the whole path as given', () => {
    const p = datasetPattern('../shared/datasets/*');
    expect(p.matches('../shared/datasets/amazon-arts')).toBe(true);
    expect(p.matches('amazon-arts')).toBe(false);
    expect(p.matches('../shared/datasets/a/b')).toBe(false);
  });

  it('specificity: literal characters outside wildcards (amazon-* has 7, amazon-i* 8, * none)', () => {
    expect(datasetPattern('*').literals).toBe(0);
    expect(datasetPattern('amazon-*').literals).toBe(7);
    expect(datasetPattern('amazon-i*').literals).toBe(8);
    expect(datasetPattern('ml-{100k,1m}').literals).toBe(3);
    expect(datasetPattern('amazon-[bs]*').isGlob).toBe(true);
  });

  it('an unclosed [ or { is a config error naming the pattern', () => {
    expect(() => datasetPattern('amazon-[bs')).toThrow(/dataset pattern "amazon-\[bs" has an unclosed "\["/);
    expect(() => datasetPattern('ml-{1m')).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
