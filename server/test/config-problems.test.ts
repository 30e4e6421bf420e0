import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-config-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An invalid config lists every problem at once, the unknown listener profile included. */
describe('config problems are listed together', () => {
  it('port 70000 + profile nope + store.kind disk + http.port -1 + unknown key → all five listed', async () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(file, ['listeners:', '  - { name: smtp, port: 70000, profile: nope }', 'store: { kind: disk }', 'http: { port: -1 }', 'unknown: 1', ''].join('\n'));
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    let code: number;
    try {
      code = await main(['--config', file], {});
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    expect(stderr).toContain('listeners.0.port:');
    expect(stderr).toContain('http.port:');
    expect(stderr).toContain('store.kind:');
    expect(stderr).toContain('Unrecognized key: "unknown"');
    expect(stderr).toMatch(/listeners\.0\.profile: no profile "nope"/);
  });
});
