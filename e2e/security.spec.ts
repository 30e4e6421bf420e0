/** The WebSocket refuses other origins; the UI is served with its CSP and runs under it. */
import WebSocket from 'ws';
import { startCanary } from './canary';
import { expect, test, watchConsole } from './fixtures';

function handshake(url: string, origin?: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

test('the WebSocket refuses a foreign Origin and accepts its own', async ({ bouncer }) => {
  const events = bouncer.url.replace('http:', 'ws:') + '/api/v1/events';
  expect(await handshake(events, 'http://evil.example')).toBe(403);
  expect(await handshake(events, 'http://127.0.0.1:1')).toBe(403);
  expect(await handshake(events, bouncer.url)).toBe('open');
});

test('a page from another origin cannot open the event stream in the browser', async ({ page, bouncer }) => {
  const canary = await startCanary({ '/evil.html': '<!doctype html><title>elsewhere</title><p>another site' });
  try {
    await page.goto(`${canary.origin}/evil.html`);
    const events = bouncer.url.replace('http:', 'ws:') + '/api/v1/events';
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onmessage = (m) => resolve(`message ${String(m.data).slice(0, 40)}`);
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      events,
    );
    // refused at the handshake: never open, never a frame (1006: closed without a handshake)
    expect(outcome).toBe('closed 1006');
  } finally {
    await canary.close();
  }
});

test('the UI is served with a strict CSP and runs without a violation', async ({ page, bouncer }) => {
  const errors = watchConsole(page);
  const res = await page.goto(bouncer.url + '/');
  const csp = res!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${bouncer.running.http.port}`);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res!.headers()['x-frame-options']).toBe('DENY');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  for (const view of ['Messages', 'Policy', 'Sessions']) {
    await page.getByRole('link', { name: view, exact: true }).click();
    await expect(page.locator('main')).not.toBeEmpty();
  }
  expect(errors.errors).toEqual([]);
  // page paths work on a fresh load too (the server answers them with the app)
  await page.goto(bouncer.url + '/policy');
  await expect(page.getByTestId('policy')).toBeVisible();
});
