/**
 * A loopback HTTP server that records every request: the "remote" host for message HTML.
 * Anything that reaches it was loaded (or sent) by the page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=', 'base64');

export interface Canary {
  origin: string;
  paths: string[];
  close(): Promise<void>;
}

export async function startCanary(pages: Record<string, string> = {}): Promise<Canary> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://canary');
    paths.push(url.pathname);
    if (url.pathname.endsWith('.png')) {
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(PNG_1X1);
    } else if (pages[url.pathname] !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(pages[url.pathname]);
    } else {
      res.writeHead(404, { 'cache-control': 'no-store' });
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
