/** A raw SMTP client for the e2e tests: one line at a time, whole replies back. */
import net from 'node:net';

export class RawSmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  static connect(port: number): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawSmtp(socket)));
      socket.once('error', reject);
    });
  }

  /** One complete reply (multi-line replies end at `NNN ` ), or an error after `timeoutMs`. */
  async reply(timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3}( |$)/.test(lines[i]!)) {
          this.buffer = lines.slice(i + 1).join('\r\n');
          return lines.slice(0, i + 1);
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async command(line: string): Promise<string[]> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The session id at the end of a Gmail-style greeting: `220 mx.google.com ESMTP <id> - gsmtp`. */
export function sessionIdOf(greeting: string[]): string {
  const m = / (\S+) - gsmtp$/.exec(greeting.at(-1)!);
  if (!m) throw new Error(`no session id in ${greeting.at(-1)}`);
  return m[1]!;
}
