/**
 * The README's testing-kit example is kept true: its first code block is run as written, with
 * `smtp-bouncer` pointing at the kit's sources and `console.log` captured.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

function kitExample(): string {
  const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Testing kit'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('no ts code block in the README testing-kit section');
  return block[1]!;
}

it('the README testing-kit example runs and logs what its comments say', async () => {
  const source = kitExample()
    .replace("from 'smtp-bouncer'", `from ${JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, 'server/src/testing/index.ts')).href)}`)
    .replace("from 'nodemailer'", `from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('nodemailer')).href)}`);
  const js = ts.transpileModule(`const console = (globalThis as any).__readmeConsole;\n${source}`, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const logs: unknown[][] = [];
  (globalThis as Record<string, unknown>).__readmeConsole = { log: (...args: unknown[]) => logs.push(args) };
  const dir = mkdtempSync(path.join(tmpdir(), 'bouncer-readme-'));
  try {
    const file = path.join(dir, 'example.mjs');
    writeFileSync(file, js);
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(logs).toHaveLength(3);
  expect(logs[0]).toEqual(['Confirm your account', 'w1']);
  expect(logs[1]).toEqual([421]);
  expect(logs[2]![0]).toMatchObject({
    phase: 'rcpt',
    ruleId: 'scenario.reply',
    scenarioId: expect.stringMatching(/^sc-/),
    reply: { code: 421, enhanced: '4.7.0', lines: ['Try again later, closing connection.'], close: true },
  });
});
