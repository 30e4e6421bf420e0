/**
 * GET /metrics: after a few known sessions the Prometheus exposition holds exactly the
 * counts they should produce, the latency histograms saw each phase, and the process
 * metrics (event-loop lag) are there.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptedPattern, open, sendMessage } from './dialog/helpers.js';
import { startTestBouncer, type TestBouncer } from './support/bouncer.js';

/** `name{a="b",...} value` lines → value by series (labels in the order given). */
function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

const labels = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

let bouncer: TestBouncer;
let ws: WebSocket;
beforeAll(async () => {
  bouncer = await startTestBouncer();
  ws = new WebSocket(`${bouncer.http.url}/api/v1/events`);
  await new Promise((resolve, reject) => ws.once('message', resolve).once('error', reject));

  // one accepted message
  const a = await open(bouncer);
  expect((await a.c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await sendMessage(a)).last).toMatch(acceptedPattern(a.id));
  expect((await a.c.command('QUIT')).code).toBe(221);
  // one session refused at EHLO (helo.non-fqdn closes after the HELO fallback wait)
  const b = await open(bouncer);
  expect((await b.c.command('EHLO localhost')).code).toBe(504);
  expect(await b.c.waitClosed(3000)).toBe(true);
  // one session with a recipient syntax error that then leaves
  const c = await open(bouncer);
  expect((await c.c.command('EHLO mail.example.com')).code).toBe(250);
  expect((await c.c.command('MAIL FROM:<a@example.com>')).code).toBe(250);
  expect((await c.c.command('RCPT TO:<not an address>')).code).toBe(555);
  expect((await c.c.command('QUIT')).code).toBe(221);
  await bouncer.settled();
  // sessions are counted when their closing snapshot is committed
  const deadline = Date.now() + 3000;
  while (bouncer.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  ws?.close();
  await bouncer?.stop();
});

describe('GET /metrics', () => {
  it('is Prometheus text with the counts of the sessions above', async () => {
    const res = await fetch(`${bouncer.http.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parseExposition(await res.text());
    const mx = { listener: 'smtp', profile: 'gmail-mx' };

    expect(m.get(`bouncer_sessions_total${labels({ ...mx, outcome: 'accepted' })}`)).toBe(1);
    expect(m.get(`bouncer_sessions_total${labels({ ...mx, outcome: 'rejected' })}`)).toBe(2);
    expect(m.get(`bouncer_messages_total${labels({ ...mx, outcome: 'accepted' })}`)).toBe(1);

    const reply = (phase: string, code: number, enhanced = '') => m.get(`bouncer_smtp_replies_total${labels({ ...mx, phase, code: String(code), enhanced })}`);
    expect(reply('connect', 220)).toBe(3);
    expect(reply('ehlo', 250)).toBe(2);
    expect(reply('ehlo', 504, '5.5.2')).toBe(1);
    expect(reply('mail', 250, '2.1.0')).toBe(2);
    expect(reply('rcpt', 250, '2.1.5')).toBe(1);
    expect(reply('rcpt', 555, '5.5.2')).toBe(1);
    expect(reply('data', 354)).toBe(1);
    expect(reply('message', 250, '2.0.0')).toBe(1);
    expect(reply('other', 221, '2.0.0')).toBe(2);

    const decision = (phase: string, rule: string) => m.get(`bouncer_decisions_total${labels({ ...mx, phase, rule, verdict: 'reject' })}`);
    expect(decision('helo', 'helo.non-fqdn')).toBe(1);
    expect(decision('rcpt', 'rcpt.syntax')).toBe(1);

    for (const phase of ['connect', 'ehlo', 'mail', 'rcpt', 'data', 'message']) {
      expect(m.get(`bouncer_smtp_reply_seconds_count${labels({ ...mx, phase })}`), phase).toBeGreaterThanOrEqual(1);
      expect(m.get(`bouncer_smtp_reply_seconds_bucket${labels({ le: '+Inf', ...mx, phase })}`), phase).toBe(m.get(`bouncer_smtp_reply_seconds_count${labels({ ...mx, phase })}`));
    }
    expect(m.get(`bouncer_smtp_message_reply_seconds_count${labels({ listener: 'smtp' })}`)).toBe(1);
    expect(m.get(`bouncer_smtp_message_reply_seconds_bucket${labels({ le: '+Inf', listener: 'smtp' })}`)).toBe(1);

    expect(m.get('bouncer_store_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(m.get('bouncer_store_commit_failures_total')).toBe(0);
    expect(m.get('bouncer_ws_clients')).toBe(1);
    expect(m.get('bouncer_display_parse_pending')).toBe(0);
    // the accepted message started the display-parse worker (it stops after 10 s without mail)
    expect(m.get('bouncer_parse_workers')).toBe(1);
    // the memory store has no WAL to checkpoint
    expect(m.get('bouncer_checkpoint_threads')).toBe(0);
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows the SQLite store\'s checkpoint thread once a message is stored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bouncer-metrics-'));
    const sqlite = await startTestBouncer({ store: { kind: 'sqlite', path: path.join(dir, 'm.sqlite') } });
    try {
      const gauge = async () => parseExposition(await (await fetch(`${sqlite.http.url}/metrics`)).text()).get('bouncer_checkpoint_threads');
      expect(await gauge()).toBe(0);
      const s = await open(sqlite);
      expect((await s.c.command('EHLO mail.example.com')).code).toBe(250);
      expect((await sendMessage(s)).last).toMatch(acceptedPattern(s.id));
      expect(await gauge()).toBe(1);
      s.c.close();
    } finally {
      await sqlite.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts sessions open now', async () => {
    const s = await open(bouncer, 'submission');
    const m = parseExposition(await (await fetch(`${bouncer.http.url}/metrics`)).text());
    expect(m.get(`bouncer_sessions_open${labels({ listener: 'submission', profile: 'gmail-submission' })}`)).toBe(1);
    s.c.close();
  });

  it('is behind the Host allowlist like the API', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: bouncer.http.port, path: '/metrics', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).once('error', reject);
    });
    expect(status).toBe(403);
  });

  it('the Grafana dashboard only queries metrics this server exports, and has the per-phase reply-code heatmap', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana/bouncer.json', import.meta.url), 'utf8')) as {
      panels: Array<{ title: string; type: string; targets: Array<{ expr: string }> }>;
    };
    const text = await (await fetch(`${bouncer.http.url}/metrics`)).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(?:bouncer|process|nodejs)_[a-z0-9_]+/g) ?? [])));
    const missing = [...used].filter((name) => !exported.has(name) && !exported.has(name.replace(/_(bucket|sum|count)$/, '')));
    expect(missing).toEqual([]);
    const heatmap = dashboard.panels.find((p) => p.type === 'heatmap' && p.targets.some((t) => t.expr.includes('bouncer_smtp_replies_total')));
    expect(heatmap?.targets[0]?.expr).toMatch(/sum by \(phase, code, enhanced\)/);
  });
});
