import { describe, expect, it } from 'vitest';
import { buildZip } from '../../test/support/zip.js';
import { isZip, zipEntryNames } from './zip.js';

describe('zipEntryNames (central directory, no extraction to disk)', () => {
  it('lists stored and deflated entries in order', () => {
    const zip = buildZip([
      { name: 'readme.txt', content: 'hi' },
      { name: 'bin/setup.exe', content: 'MZ'.repeat(500), deflate: true },
    ]);
    expect(isZip(zip)).toBe(true);
    expect(zipEntryNames(zip)).toEqual(['readme.txt', 'bin/setup.exe']);
  });

  it('UTF-8 names (general purpose bit 11)', () => {
    expect(zipEntryNames(buildZip([{ name: 'résumé.pdf', content: 'x' }]))).toEqual(['résumé.pdf']);
  });

  it('opens archives inside the archive, stored or deflated, and names them with a path', () => {
    const inner = buildZip([{ name: 'run.vbs', content: 'MsgBox 1' }]);
    const middle = buildZip([{ name: 'inner.zip', content: inner, deflate: true }]);
    const outer = buildZip([
      { name: 'doc.txt', content: 'x' },
      { name: 'middle.zip', content: middle },
    ]);
    expect(zipEntryNames(outer)).toEqual(['doc.txt', 'middle.zip', 'middle.zip/inner.zip', 'middle.zip/inner.zip/run.vbs']);
  });

  it('stops at the depth limit', () => {
    const inner = buildZip([{ name: 'run.vbs', content: 'x' }]);
    const outer = buildZip([{ name: 'inner.zip', content: inner }]);
    expect(zipEntryNames(outer, { maxDepth: 1 })).toEqual(['inner.zip']);
  });

  it('reads at most maxEntries entries', () => {
    const zip = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, content: 'x' })));
    expect(zipEntryNames(zip, { maxEntries: 5 })).toHaveLength(5);
  });

  it('does not inflate a nested archive over maxInflate', () => {
    const inner = buildZip([{ name: 'big.exe', content: Buffer.alloc(100_000) }]);
    const outer = buildZip([{ name: 'inner.zip', content: inner, deflate: true }]);
    expect(zipEntryNames(outer, { maxInflate: 1000 })).toEqual(['inner.zip']);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['not a zip', Buffer.from('hello world, this is plain text and not an archive')],
    ['a truncated archive', buildZip([{ name: 'a.exe', content: 'x' }]).subarray(0, 40)],
    ['a central directory pointing past the end', (() => {
      const z = buildZip([{ name: 'a.exe', content: 'x' }]);
      z.writeUInt32LE(0xffffff, z.length - 6);
      return z;
    })()],
  ])('%s → no names, no exception', (_label, buf) => {
    expect(zipEntryNames(buf)).toEqual([]);
  });
});
