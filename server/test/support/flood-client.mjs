#!/usr/bin/env node
/**
 * Opens COUNT connections to 127.0.0.1:PORT at once and reads the first reply of each. Prints
 * one JSON line once every connection got its first reply (or failed), then holds the open
 * ones until stdin closes (or says "close"), closes them and prints a second JSON line.
 * A separate process, so that the test process's file-descriptor limit is not the limit
 * (started under `ulimit -n` raised as far as the hard limit allows).
 *
 *   node flood-client.mjs PORT COUNT
 */
import net from 'node:net';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const results = [];
const sockets = [];

function one(i) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let buffer = '';
    let first;
    let closedAfterMs;
    const done = (r) => {
      if (results[i]) return;
      results[i] = r;
      resolve();
    };
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      buffer += d;
      const end = buffer.indexOf('\r\n');
      if (first === undefined && end >= 0) {
        first = buffer.slice(0, end);
        // a refusal must be followed by the server closing; give it a moment
        if (first.startsWith('421')) setTimeout(() => done({ first, ms: Date.now() - started, closed: false }), 3000);
        else done({ first, ms: Date.now() - started, closed: false });
      }
    });
    socket.on('close', () => {
      closedAfterMs = Date.now() - started;
      if (first !== undefined && !results[i]) done({ first, ms: closedAfterMs, closed: true });
      else if (first === undefined) done({ error: 'closed without a reply', closed: true });
    });
    socket.on('error', (err) => {
      if (first === undefined) done({ error: err.code ?? err.message, closed: true });
    });
    setTimeout(() => first === undefined && done({ error: 'no reply within 20 s', closed: socket.destroyed }), 20_000);
  });
}

await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
process.stdout.write(`${JSON.stringify({ results })}\n`);

const release = () => {
  let open = 0;
  for (const s of sockets) {
    if (!s.destroyed) open++;
    s.destroy();
  }
  process.stdout.write(`${JSON.stringify({ released: open })}\n`);
  process.exit(0);
};
process.stdin.on('data', (d) => d.toString().includes('close') && release());
process.stdin.on('end', release);
