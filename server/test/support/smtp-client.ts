/**
 * A raw SMTP client for dialog tests: sends exact lines and reads whole replies (multi-line
 * replies end at the line with a space after the code, RFC 5321 §4.2.1). Knows whether the
 * server closed the connection.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReply {
  code: number;
  /** Every wire line, as sent (without CRLF). */
  lines: string[];
  /** The last line. */
  last: string;
}

export class RawSmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket) {
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

  static connect(port: number, opts: { tls?: boolean } = {}): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = opts.tls
        ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(new RawSmtp(socket)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new RawSmtp(socket)));
      socket.once('error', reject);
    });
  }

  /** Reads one complete reply; rejects after `timeoutMs` or if the connection closes first. */
  async reply(timeoutMs = 5000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3}( |$)/.test(lines[i]!)) {
          const replyLines = lines.slice(0, i + 1);
          this.buffer = lines.slice(i + 1).join('\r\n');
          return { code: Number(replyLines[0]!.slice(0, 3)), lines: replyLines, last: replyLines[i]! };
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; buffer: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  write(data: string): void {
    this.socket.write(data);
  }

  /** Sends one command line and reads its reply. */
  async command(line: string, timeoutMs?: number): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Resolves true when the server closes the connection within `timeoutMs`. */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  /** STARTTLS on this connection (after a 220 reply the caller already read). */
  async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The Gmail-style session id at the end of a greeting: `220 mx.google.com ESMTP <id> - gsmtp`. */
export function sessionIdOf(greeting: SmtpReply): string {
  const m = / (\S+) - gsmtp$/.exec(greeting.last);
  if (!m) throw new Error(`no session id in ${greeting.last}`);
  return m[1]!;
}
