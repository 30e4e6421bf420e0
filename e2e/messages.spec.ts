/**
 * Messages: the list, the sandboxed HTML preview (no script, no handler, no remote load until
 * asked), the other tabs, attachments by index with a safe name, rejected messages marked.
 */
import { readFileSync } from 'node:fs';
import { startCanary } from './canary';
import { expect, sendMail, test, watchConsole } from './fixtures';
import { RawSmtp } from './smtp';

test('spec 3: accepted HTML renders in the sandboxed frame; its script does not run, its onerror does not fire, remote images wait for the toggle', async ({ page, bouncer }) => {
  const canary = await startCanary();
  try {
    const html = `<!doctype html><html><head><style>h1 { color: rgb(194, 65, 12); }</style></head><body>
      <h1 id="greeting">Hello from the sandbox</h1>
      <p>Visible paragraph.</p>
      <script>parent.postMessage('script-ran', '*'); new Image().src = '${canary.origin}/script-ran.png'; document.title = 'pwned';</script>
      <img id="broken" alt="broken" src="${canary.origin}/missing.gif" onerror="parent.postMessage('onerror-fired', '*'); new Image().src = '${canary.origin}/onerror-fired.png'">
      <img id="remote" alt="remote image" src="${canary.origin}/remote.png">
      <a id="js" href="javascript:parent.postMessage('js-link', '*')">a javascript: link</a>
    </body></html>`;
    const sent = await sendMail(bouncer.port('capture'), { subject: 'HTML with a script', html });
    expect(sent.ok).toBe(true);

    const errors = watchConsole(page);
    await page.goto(bouncer.url + '/messages');
    // anything the frame posts to the UI lands here
    await page.evaluate(() => {
      const w = window as unknown as { posted: string[] };
      w.posted = [];
      window.addEventListener('message', (e) => w.posted.push(String(e.data)));
    });
    const row = page.getByTestId('message-row').first();
    await expect(row).toContainText('HTML with a script');
    await expect(row).toHaveAttribute('data-status', 'accepted');
    await row.click();

    const frame = page.getByTestId('html-frame');
    await expect(frame).toHaveAttribute('sandbox', '');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toMatch(/^<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none'; img-src data:;/);
    expect(srcdoc).not.toMatch(/<script/i);
    expect(srcdoc).not.toMatch(/onerror/i);
    expect(srcdoc).not.toMatch(/href="javascript:/i);
    expect(srcdoc).not.toContain(canary.origin);

    const content = page.frameLocator('[data-testid=html-frame]');
    await expect(content.locator('#greeting')).toHaveText('Hello from the sandbox');
    await expect(content.locator('#greeting')).toHaveCSS('color', 'rgb(194, 65, 12)');
    await expect(content.locator('script')).toHaveCount(0);
    await expect(content.locator('[onerror]')).toHaveCount(0);
    await expect(page.getByTestId('remote-status')).toHaveText('2 remote resources blocked');
    // remote images are off: nothing reached the remote host
    expect(canary.paths).toEqual([]);

    // Turn them on. The frame is rebuilt and loads both images; the broken one fails, which
    // is exactly when an onerror handler would run.
    await page.getByTestId('remote-images-toggle').click();
    await expect(page.getByTestId('remote-images-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => [...canary.paths].sort()).toEqual(['/missing.gif', '/remote.png']);
    await expect(content.locator('#remote')).toHaveJSProperty('complete', true);
    await expect.poll(() => content.locator('#broken').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 0)).toBe(true);
    await expect(content.locator('#remote')).toHaveJSProperty('naturalWidth', 1);

    // the script and the handler left no trace: no request, no message, no title change
    await content.locator('#js').click();
    expect(canary.paths.filter((p) => p !== '/missing.gif' && p !== '/remote.png')).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { posted: string[] }).posted)).toEqual([]);
    expect(await page.title()).toBe('Bouncer');
    expect(await content.locator('html').evaluate(() => document.title)).not.toBe('pwned');
    // The UI ran clean under its own CSP. The only reports are Chromium refusing the message's
    // onerror attribute while DOMPurify parses the HTML in an inert document (a handler
    // attribute is checked against the page's script-src as it is parsed): the UI's policy
    // blocking it one more time, before DOMPurify drops it.
    expect(errors.errors.filter((e) => !e.startsWith('Executing inline event handler violates'))).toEqual([]);

    await page.getByTestId('remote-images-toggle').click();
    await expect(page.getByTestId('remote-status')).toHaveText('2 remote resources blocked');
  } finally {
    await canary.close();
  }
});

test('spec 6: downloading an attachment named ../../etc/passwd yields a safe file name', async ({ page, bouncer }) => {
  const content = 'root:x:0:0:root:/root:/bin/bash\n';
  const sent = await sendMail(bouncer.port('capture'), {
    subject: 'Attachment with a path',
    text: 'See attached.',
    attachments: [{ filename: '../../etc/passwd', content, contentType: 'text/plain' }],
  });
  expect(sent.ok).toBe(true);
  await page.goto(bouncer.url + '/messages');
  await page.getByTestId('message-row').first().click();
  await page.getByRole('tab', { name: 'Attachments (1)' }).click();
  const attachments = page.getByTestId('attachments');
  // shown as sent, as text
  await expect(attachments).toContainText('../../etc/passwd');
  const [download] = await Promise.all([page.waitForEvent('download'), attachments.getByTestId('attachment-link').click()]);
  expect(download.suggestedFilename()).toBe('passwd');
  expect(readFileSync(await download.path(), 'utf8')).toBe(content);
  expect(download.url()).toMatch(/\/api\/v1\/messages\/[^/]+\/attachments\/0$/);
});

test('the list searches and updates live; text, headers, raw and policy tabs; rejected messages are marked', async ({ page, bouncer }) => {
  await page.goto(bouncer.url + '/messages');
  await expect(page.getByTestId('connection-status')).toHaveText('live');
  const rows = page.getByTestId('message-row');
  await expect(rows).toHaveCount(0);

  expect((await sendMail(bouncer.port('capture'), { subject: 'Invoice 42', text: 'Please pay invoice 42.', to: 'carol@example.net' })).ok).toBe(true);
  expect((await sendMail(bouncer.port('capture'), { subject: 'Lunch?', text: 'Noodles at noon.' })).ok).toBe(true);
  // a message over the small listener's 2 KB limit: refused at end of DATA, kept, flagged
  const c = await RawSmtp.connect(bouncer.port('small'));
  await c.reply();
  await c.command('EHLO mail.example.com');
  await c.command('MAIL FROM:<big@example.com>');
  await c.command('RCPT TO:<bob@example.org>');
  await c.command('DATA');
  const refused = await c.command(`From: big@example.com\r\nTo: bob@example.org\r\nSubject: Too big\r\n\r\n${'x'.repeat(3000)}\r\n.`);
  expect(refused.at(-1)).toMatch(/^552 5\.3\.4 /);
  await c.command('QUIT');
  c.close();

  // all three arrived without a reload, newest first
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText('big@example.com');
  await expect(rows.first()).toHaveAttribute('data-status', 'rejected');
  await expect(rows.first().getByTestId('status-badge')).toHaveText('rejected 552 5.3.4');

  await page.getByLabel('Search messages').fill('noodles');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Lunch?');
  await page.getByLabel('Search messages').fill('carol@');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Invoice 42');
  await rows.first().click();

  const message = page.getByTestId('message');
  await expect(message.getByTestId('text-body')).toHaveText(/Please pay invoice 42\./);
  await message.getByRole('tab', { name: 'Headers' }).click();
  await expect(message.getByTestId('headers')).toContainText('Invoice 42');
  await message.getByRole('tab', { name: 'Raw' }).click();
  await expect(message.getByTestId('raw')).toContainText('Subject: Invoice 42');
  await message.getByRole('tab', { name: 'Policy' }).click();
  await expect(message.getByTestId('policy-outcome')).toContainText('Accepted');
  await expect(message.getByTestId('policy-outcome')).toContainText('permissive');

  await page.getByLabel('Search messages').fill('');
  await page.getByLabel('Status').selectOption('rejected');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  await page.getByTestId('message').getByRole('tab', { name: 'Policy' }).click();
  const outcome = page.getByTestId('policy-outcome');
  await expect(outcome).toContainText('Rejected by message.size at message');
  await expect(outcome).toContainText('552 5.3.4');
  await expect(outcome.locator('.fix')).not.toBeEmpty();
});
