/**
 * Graceful shutdown of the compiled server on SIGTERM, with sessions in every state: idle
 * ones are told `421 4.3.2` at once and closed; one in the middle of DATA that finishes soon
 * gets its 250 (committed: it is there after a restart), then the 421; one that never
 * finishes its DATA is not acknowledged (421 at the end of the grace period) and not stored;
 * the process exits 0 within 5 s, and has logged each session's close as a JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, logLines, sleep, startCliServer, stopAllChildren } from '../support/cli-server.js';
import { uniqueMessageId } from '../dialog/helpers.js';
import { RawSmtp, sessionIdOf, type SmtpReply } from '../support/smtp-client.js';

const SHUTTING_DOWN = (id: string) => `421 4.3.2 System not accepting network messages. ${id} - gsmtp`;

let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bouncer-sigterm-'));
  await ensureBuilt();
}, 120_000);
afterAll(async () => {
  await stopAllChildren();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function session(port: number): Promise<{ c: RawSmtp; id: string }> {
  const c = await RawSmtp.connect(port);
  const id = sessionIdOf(await c.reply());
  expect((await c.command('EHLO mail.example.com')).code).toBe(250);
  return { c, id };
}

/** MAIL, RCPT, DATA, then the headers and a first part of the body — not the end. */
async function startMessage(s: { c: RawSmtp }, subject: string): Promise<void> {
  expect((await s.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
  expect((await s.c.command('RCPT TO:<b@example.org>')).code).toBe(250);
  expect((await s.c.command('DATA')).code).toBe(354);
  // well-formed (gmail-mx's format rules): a unique Message-ID and a Date
  s.c.write(`From: a@example.com\r\nTo: b@example.org\r\nSubject: ${subject}\r\nMessage-ID: ${uniqueMessageId()}\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n\r\nthe first part\r\n`);
}

describe('SIGTERM', () => {
  it('idle sessions get 421 4.3.2 at once; in-flight DATA is committed and acknowledged, or not acknowledged; exit 0 within 5 s', async () => {
    const data = path.join(tmp, 'b.sqlite');
    const args = ['--smtp-port', '0', '--submission-port', '0', '--smtps-port', '0', '--http-port', '0', '--data', data, '--log-level', 'info', '--log-format', 'json'];
    const server = await startCliServer(args, tmp);
    const port = server.smtpPort;

    const idle = await Promise.all([session(port), session(port), session(port)]);
    const finishing = await session(port);
    await startMessage(finishing, 'finished during shutdown');
    const stalled = await session(port);
    await startMessage(stalled, 'never finished');
    await sleep(100);

    const killedAt = Date.now();
    server.child.kill('SIGTERM');

    // idle sessions: told at once, then closed
    const idleReplies = await Promise.all(idle.map(async (s) => ({ s, reply: await s.c.reply(5000), at: Date.now() })));
    for (const { s, reply, at } of idleReplies) {
      expect(reply.lines).toEqual([SHUTTING_DOWN(s.id)]);
      expect(at - killedAt, 'the 421 came late').toBeLessThan(1000);
      expect(await s.c.waitClosed(2000)).toBe(true);
    }

    // the message finished during the grace period: 250 (after its commit), then the 421
    await sleep(300);
    finishing.c.write('the rest\r\n.\r\n');
    const accepted: SmtpReply = await finishing.c.reply(5000);
    expect(accepted.last).toMatch(new RegExp(`^250 2\\.0\\.0 OK \\d{10} ${finishing.id.replace('.', '\\.')} - gsmtp$`));
    expect((await finishing.c.reply(5000)).lines).toEqual([SHUTTING_DOWN(finishing.id)]);
    expect(await finishing.c.waitClosed(2000)).toBe(true);

    // the one that never finishes: not acknowledged, told 421 when the grace period ends
    const cut = await stalled.c.reply(5000);
    expect(cut.lines).toEqual([SHUTTING_DOWN(stalled.id)]);
    expect(await stalled.c.waitClosed(2000)).toBe(true);

    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - killedAt).toBeLessThan(5000);

    // one JSON log line per session close, with its outcome
    const closes = logLines(server).filter((l) => l.msg === 'session closed');
    const outcome = (id: string) => closes.find((l) => l.session === id)?.outcome;
    for (const s of idle) expect(outcome(s.id)).toBe('rejected');
    expect(outcome(finishing.id)).toBe('accepted');
    expect(outcome(stalled.id)).toBe('rejected');
    expect(logLines(server).filter((l) => (l.level as number) >= 50)).toEqual([]);

    // after a restart: the acknowledged message is there, the other one is not
    const again = await startCliServer(args, tmp);
    const page = (await (await fetch(`${again.httpUrl}/api/v1/messages?limit=100`)).json()) as { items: Array<{ subject?: string; sessionId: string }> };
    expect(page.items.map((m) => [m.subject, m.sessionId])).toEqual([['finished during shutdown', finishing.id]]);
    const stalledSession = (await (await fetch(`${again.httpUrl}/api/v1/sessions/${stalled.id}`)).json()) as { decisions: Array<{ ruleId: string }>; messageIds: string[] };
    expect(stalledSession.messageIds).toEqual([]);
    expect(stalledSession.decisions.map((d) => d.ruleId)).toEqual(['server.shutting-down']);
  }, 60_000);
});
