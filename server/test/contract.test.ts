/**
 * The smtp-server contract. Bouncer extends smtp-server in one place (server/src/smtp/
 * connection.ts, created through SMTPServer.prototype.connect in listener.ts) and maps each of
 * its built-in replies by text (server/src/smtp/builtin-replies.ts). This file pins every
 * behaviour of smtp-server that adapter relies on, so that an upgrade fails here, loudly,
 * instead of silently changing what Bouncer says on the wire.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import type tls from 'node:tls';
import pino from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, isAddressAllowed } from 'smtp-server/lib/smtp-connection.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BouncerConfigInput } from '../src/config/schema.js';
import { startBouncer, type Bouncer } from '../src/main.js';
import { BUILTIN_REPLY_IDS, type BuiltinReplyId } from '../src/policy/profile.js';
import { BUILTIN_MATCHES, matchBuiltin } from '../src/smtp/builtin-replies.js';
import { DISABLED_VERBS } from '../src/smtp/connection.js';
import { tempProfileDir } from './dialog/helpers.js';
import { RawSmtp, type SmtpReply } from './support/smtp-client.js';

const require = createRequire(import.meta.url);
const PKG_DIR = path.dirname(require.resolve('smtp-server/package.json'));
const ESM_DIR = path.join(PKG_DIR, 'dist', 'esm');
/** Every JavaScript file of the ESM build (the one `smtp-server/lib/*.js` resolves to). */
const SOURCES = readdirSync(ESM_DIR)
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ file: f, text: readFileSync(path.join(ESM_DIR, f), 'utf8') }));
const SOURCE = SOURCES.map((s) => s.text).join('\n');
const CONNECTION_SOURCE = SOURCES.find((s) => s.file === 'smtp-connection.js')!.text;

type Socket = net.Socket | tls.TLSSocket;
type ConnectOptions = Parameters<SMTPServer['connect']>[1];

const rawOptions = (extra: SMTPServerOptions = {}): SMTPServerOptions => ({
  name: 'raw.example',
  logger: false,
  disableReverseLookup: true,
  authOptional: true,
  allowInsecureAuth: true,
  hideENHANCEDSTATUSCODES: true,
  ...extra,
});

async function listen(server: SMTPServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.server.address() as net.AddressInfo).port;
}

function closeServer(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------

describe('the pinned version', () => {
  it('smtp-server is installed at exactly 3.21.6', () => {
    const pkg = JSON.parse(readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('3.21.6');
  });

  it('package.json pins it without a range', () => {
    const root = JSON.parse(readFileSync(path.resolve(PKG_DIR, '..', '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(root.dependencies['smtp-server']).toBe('3.21.6');
  });

  it('smtp-server/lib/smtp-connection.js resolves to the ESM build this file reads', () => {
    expect(require.resolve('smtp-server/package.json').startsWith(PKG_DIR)).toBe(true);
    expect(SOURCES.map((s) => s.file)).toEqual(expect.arrayContaining(['smtp-connection.js', 'smtp-server.js', 'smtp-stream.js', 'sasl.js']));
  });
});

describe('SMTPServer.prototype.connect is the seam that creates connections', () => {
  let server: SMTPServer & { accepted: Array<{ socket: Socket; connection: SMTPConnection }> };
  let port: number;
  beforeAll(async () => {
    class Seam extends SMTPServer {
      accepted: Array<{ socket: Socket; connection: SMTPConnection }> = [];
      override connect(socket: Socket, options: ConnectOptions): void {
        const before = new Set(this.connections);
        super.connect(socket, options);
        const created = [...this.connections].find((c) => !before.has(c));
        this.accepted.push({ socket, connection: created! });
      }
    }
    server = new Seam(rawOptions());
    port = await listen(server);
  });
  afterAll(async () => closeServer(server));

  it('exists on the prototype with (socket, options)', () => {
    expect(typeof SMTPServer.prototype.connect).toBe('function');
    expect(SMTPServer.prototype.connect.length).toBe(2);
    expect(SOURCE).toContain('this.connect(socket, socketOptions);');
    expect(SOURCE).toContain('this.connect(tlsSocket, socketOptions);');
  });

  it('is called once per accepted socket, and the base builds an SMTPConnection, registers it and calls init()', async () => {
    const c = await RawSmtp.connect(port);
    await c.reply();
    expect(server.accepted).toHaveLength(1);
    const { socket, connection } = server.accepted[0]!;
    expect(socket).toBeInstanceOf(net.Socket);
    expect(connection).toBeInstanceOf(SMTPConnection);
    expect(server.connections.has(connection)).toBe(true);
    expect(connection._server).toBe(server);
    expect(connection._socket).toBe(socket);
    expect(connection._ready).toBe(true);
    c.close();
  });

  it('connections is a Set that loses the connection on close, and isAddressAllowed is exported', async () => {
    const c = await RawSmtp.connect(port);
    await c.reply();
    const { connection } = server.accepted.at(-1)!;
    expect(server.connections).toBeInstanceOf(Set);
    expect((await c.command('QUIT')).code).toBe(221);
    expect(await c.waitClosed()).toBe(true);
    expect(server.connections.has(connection)).toBe(false);
    expect(isAddressAllowed(['127.0.0.1', '::1'], '::ffff:127.0.0.1')).toBe(true);
    expect(isAddressAllowed(['127.0.0.1'], '10.0.0.1')).toBe(false);
    expect(isAddressAllowed([], '127.0.0.1')).toBe(false);
  });
});

describe('SMTPConnection: the members connection.ts uses', () => {
  const methods = ['init', '_setListeners', 'connectionReady', '_onCommand', 'send', '_onClose', '_parseAddressCommand', '_isSupported', '_isDisabled', 'close', 'upgrade'] as const;

  it.each(methods)('%s is a method of SMTPConnection.prototype', (name) => {
    expect(typeof (SMTPConnection.prototype as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  it('send(code, data, context) and _onCommand(command, callback) keep their arity', () => {
    expect(SMTPConnection.prototype.send.length).toBe(3);
    expect(SMTPConnection.prototype._onCommand.length).toBe(2);
    expect(SMTPConnection.prototype._setListeners.length).toBe(1);
    expect(SMTPConnection.prototype._parseAddressCommand.length).toBe(2);
  });

  describe('a fresh connection', () => {
    let server: SMTPServer;
    let connection: SMTPConnection;
    beforeAll(() => {
      server = new SMTPServer(rawOptions());
      connection = new SMTPConnection(server, new net.Socket(), { remoteAddress: '127.0.0.1', remotePort: 4242 });
    });

    it('has the state fields the adapter reads, with their initial values', () => {
      expect(connection._nextHandler).toBe(false);
      expect(connection._upgrading).toBe(false);
      expect(connection._ready).toBe(false);
      expect(connection._xClient).toBeInstanceOf(Map);
      expect(connection._xClient.size).toBe(0);
      expect(connection._originalRemoteAddress).toBe('127.0.0.1');
      expect(connection.remoteAddress).toBe('127.0.0.1');
      expect(connection.remotePort).toBe(4242);
      expect(connection.hostNameAppearsAs).toBe(false);
      expect(connection.openingCommand).toBe(false);
      expect(connection.secure).toBe(false);
      expect(connection.session).toEqual(expect.objectContaining({ id: connection.id }));
      expect(connection._server).toBe(server);
      expect(server._closeTimeout).toBe(false);
    });

    it('_isSupported honours session.disabledCommands (an array replaces the server option)', () => {
      expect(connection._isSupported('AUTH')).toBe(true);
      expect(connection._isSupported('STARTTLS')).toBe(true);
      expect(connection._isSupported('XCLIENT')).toBe(true);
      // the verbs Bouncer disables really exist in smtp-server (LHLO only answers in LMTP mode)
      for (const verb of DISABLED_VERBS) expect(connection._isSupported(verb), verb).toBe(verb !== 'LHLO');
      connection.session.disabledCommands = ['auth', ' STARTTLS ', ...DISABLED_VERBS];
      expect(connection._isSupported('AUTH')).toBe(false);
      expect(connection._isSupported('auth')).toBe(false);
      expect(connection._isSupported('STARTTLS')).toBe(false);
      for (const verb of DISABLED_VERBS) expect(connection._isSupported(verb)).toBe(false);
      expect(connection._isSupported('MAIL')).toBe(true);
      connection.session.disabledCommands = undefined;
      expect(connection._isSupported('AUTH')).toBe(true);
    });

    it('_isSupported asks _isDisabled with the verb trimmed and upper-cased (the adapter overrides _isDisabled)', () => {
      const asked: string[] = [];
      class Probe extends SMTPConnection {
        override _isDisabled(command: string): boolean {
          asked.push(command);
          return command === 'NOOP';
        }
      }
      const probe = new Probe(server, new net.Socket(), { remoteAddress: '127.0.0.1', remotePort: 4243 });
      expect(probe._isSupported(' mail ')).toBe(true);
      expect(probe._isSupported('noop')).toBe(false);
      expect(asked).toEqual(['MAIL', 'NOOP']);
    });

    it('_isSupported is false for verbs smtp-server has no handler for (BDAT, EXPN, unknown)', () => {
      for (const verb of ['BDAT', 'EXPN', 'ETRN', 'TURN', 'FOO', '', 'GET']) expect(connection._isSupported(verb)).toBe(false);
      for (const verb of ['EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'HELP', 'VRFY', 'AUTH', 'STARTTLS', 'XCLIENT']) {
        expect(connection._isSupported(verb)).toBe(true);
      }
    });

    it.each([
      ['mail from', 'MAIL FROM:<a@example.com>', { address: 'a@example.com', args: false }],
      ['mail from', 'MAIL FROM: <a@example.com> SIZE=10 BODY=8BITMIME SMTPUTF8', { address: 'a@example.com', args: { SIZE: '10', BODY: '8BITMIME', SMTPUTF8: true } }],
      ['mail from', 'mail from:<>', { address: '', args: false }],
      ['rcpt to', 'RCPT TO:<b@example.org>', { address: 'b@example.org', args: false }],
      ['rcpt to', 'RCPT TO:<>', { address: '', args: false }],
      ['rcpt to', 'RCPT TO:<@relay.example:b@example.org>', { address: 'b@example.org', args: false }],
    ])('_parseAddressCommand(%j, %j) parses', (name, line, expected) => {
      expect(connection._parseAddressCommand(name, Buffer.from(line))).toEqual(expected);
    });

    it.each([
      ['mail from', 'MAIL FROM:<a@example.com'],
      ['mail from', 'MAIL FROM:a@b c'],
      ['mail from', 'MAIL FROM:<a..b@example.com>'],
      ['mail from', 'RCPT TO:<a@example.com>'],
      ['rcpt to', 'RCPT TO:bad'],
      ['rcpt to', 'RCPT TO:<bad>'],
    ])('_parseAddressCommand(%j, %j) → false for a malformed path', (name, line) => {
      expect(connection._parseAddressCommand(name, Buffer.from(line))).toBe(false);
    });

    it('_parseAddressCommand reports a duplicate parameter', () => {
      expect(connection._parseAddressCommand('mail from', Buffer.from('MAIL FROM:<a@example.com> SIZE=1 SIZE=2'))).toMatchObject({ duplicate: 'SIZE' });
    });
  });
});

describe('smtp-server behaviour the adapter builds on (a raw server, no Bouncer)', () => {
  interface Probe {
    connection: ProbeConnection;
    commands: Array<{ isBuffer: boolean; hasCallback: boolean; nextHandler: boolean }>;
    sends: Array<{ code: number; data: unknown; context: unknown }>;
    upgrading: boolean[];
    closes: number;
  }
  const probes: Probe[] = [];
  /** A connection subclass like Bouncer's: it replaces every reply, marking it with an X. */
  class ProbeConnection extends SMTPConnection {
    probe: Probe = { connection: this, commands: [], sends: [], upgrading: [], closes: 0 };
    override _onCommand(command: Buffer, callback?: () => void): void {
      this.probe.commands.push({ isBuffer: Buffer.isBuffer(command), hasCallback: typeof callback === 'function', nextHandler: !!this._nextHandler });
      super._onCommand(command, callback);
    }
    override send(code: number, data?: string | string[] | null, context?: string | false): void {
      this.probe.sends.push({ code, data, context });
      const lines = Array.isArray(data) ? data : [data ?? ''];
      if (!this._upgrading && !this._socket.destroyed) this._socket.write(lines.map((l, i) => `${code}${i < lines.length - 1 ? '-' : ' '}X ${l}`).join('\r\n') + '\r\n');
      if (code === 421) this.close();
    }
    override upgrade(callback: () => void, secureCallback?: () => void): void {
      super.upgrade(callback, secureCallback);
      this.probe.upgrading.push(this._upgrading);
    }
    override _onClose(): void {
      this.probe.closes++;
      super._onClose();
    }
  }
  class ProbeServer extends SMTPServer {
    override connect(socket: Socket, options: ConnectOptions): void {
      const connection = new ProbeConnection(this, socket, options);
      probes.push(connection.probe);
      this.connections.add(connection);
      connection.init();
    }
  }

  let plain: SMTPServer;
  let plainPort: number;
  let probe: SMTPServer;
  let probePort: number;
  beforeAll(async () => {
    plain = new SMTPServer(rawOptions({ useXClient: ['127.0.0.1'] }));
    plainPort = await listen(plain);
    probe = new ProbeServer(rawOptions({ useXClient: ['127.0.0.1'], authMethods: ['PLAIN', 'LOGIN'], socketTimeout: 400, onAuth: (_a, _s, cb) => cb(null, { user: 'u' }) }));
    probePort = await listen(probe);
  });
  afterAll(async () => {
    await Promise.all([closeServer(plain), closeServer(probe)]);
  });

  it('the raw server still waits about 100 ms before its greeting (early-talker pause)', async () => {
    const started = Date.now();
    const c = await RawSmtp.connect(plainPort);
    const greeting = await c.reply();
    expect(Date.now() - started).toBeGreaterThan(80);
    expect(greeting.lines).toEqual([`220 raw.example ESMTP`]);
    expect(CONNECTION_SOURCE).toContain('let readyTimer = setTimeout(() => this.connectionReady(), 100);');
    c.close();
  });

  it('init() sets the listeners, then checks maxClients, then starts the pause (what BouncerConnection.init replaces)', () => {
    expect(CONNECTION_SOURCE).toMatch(
      /init\(\) \{\s*\/\/ Setup event handlers for the socket\s*this\._setListeners\(\(\) => \{\s*\/\/ Check that connection limit is not exceeded\s*if \(this\._server\.options\.maxClients/,
    );
    // _setListeners pipes the socket into the parser before calling back, so an early talker is parsed
    expect(CONNECTION_SOURCE).toMatch(/_setListeners\(callback\) \{[^}]*this\._socket\.pipe\(this\._parser\);\s*if \(!this\.needsUpgrade\) \{\s*return callback\(\);/);
  });

  it('_onCommand checks, in this order: TLS upgrade, shutdown, not ready, HTTP, then an AUTH continuation (the adapter mirrors this)', () => {
    const start = CONNECTION_SOURCE.indexOf('    _onCommand(command, callback) {');
    const body = CONNECTION_SOURCE.slice(start, CONNECTION_SOURCE.indexOf('\n    }\n', start));
    const order = [
      'if (this._upgrading) {',
      'if (this._server._closeTimeout) {',
      'if (!this._ready) {',
      'if (/^(OPTIONS|GET|HEAD|POST|PUT|DELETE|TRACE|CONNECT) \\/.* HTTP\\/\\d\\.\\d$/i.test(command.toString())) {',
      'if (this._nextHandler) {',
      'if (this._isSupported(commandName)) {',
    ].map((needle) => body.indexOf(needle));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('the raw server still says "503 Error: send HELO/EHLO first" and the texts Bouncer replaces', async () => {
    const c = await RawSmtp.connect(plainPort);
    await c.reply();
    expect((await c.command('MAIL FROM:<a@example.com>')).lines).toEqual(['503 Error: send HELO/EHLO first']);
    expect((await c.command('FOO')).lines).toEqual(['500 Error: command not recognized']);
    expect((await c.command('EHLO mail.example.com')).lines[0]).toBe(`250-raw.example Nice to meet you, [127.0.0.1]`);
    expect((await c.command('HELO mail.example.com')).lines).toEqual([`250 raw.example Nice to meet you, [127.0.0.1]`]);
    expect((await c.command('RSET')).lines).toEqual(['250 Flushed']);
    expect((await c.command('NOOP')).lines).toEqual(['250 OK']);
    expect((await c.command('QUIT')).lines).toEqual(['221 Bye']);
    c.close();
  });

  it('a client talking before the greeting gets "421 <name> You talk too soon" from the raw server', async () => {
    const c = await RawSmtp.connect(plainPort);
    c.write('EHLO mail.example.com\r\n');
    expect((await c.reply()).lines).toEqual([`421 raw.example You talk too soon`]);
    expect(await c.waitClosed()).toBe(true);
  });

  it('send() is the single write site: a subclass that replaces it replaces every reply', async () => {
    const c = await RawSmtp.connect(probePort);
    const lines: SmtpReply[] = [await c.reply()];
    for (const cmd of ['MAIL FROM:<a@example.com>', 'FOO', 'EHLO mail.example.com', 'HELO mail.example.com', 'VRFY', 'VRFY a', 'HELP', 'NOOP', 'RSET', 'MAIL FROM:<a@example.com>', 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.org>', 'DATA']) {
      lines.push(await c.command(cmd));
    }
    lines.push(await c.command('hello\r\n.'));
    lines.push(await c.command('AUTH PLAIN'));
    lines.push(await c.command(Buffer.from('\0u\0p').toString('base64')));
    lines.push(await c.command('GET / HTTP/1.1'));
    for (const r of lines) for (const l of r.lines) expect(l).toMatch(/^\d{3}[ -]X /);
    expect(await c.waitClosed()).toBe(true);
  });

  it('_onCommand gets each line as a Buffer with a continuation callback; AUTH continuation lines arrive with _nextHandler set', async () => {
    const before = probes.length;
    const c = await RawSmtp.connect(probePort);
    await c.reply();
    const p = probes[before]!;
    await c.command('EHLO mail.example.com');
    expect((await c.command('AUTH PLAIN')).code).toBe(334);
    expect(p.connection._nextHandler).toEqual(expect.any(Function));
    expect((await c.command(Buffer.from('\0u\0p').toString('base64'))).code).toBe(235);
    expect(p.connection._nextHandler).toBe(false);
    expect(p.commands.map((x) => x.nextHandler)).toEqual([false, false, true]);
    expect(p.commands.every((x) => x.isBuffer && x.hasCallback)).toBe(true);
    c.close();
  });

  it('EHLO/HELO set hostNameAppearsAs (lower-cased) and openingCommand; session.disabledCommands survives the reset', async () => {
    const before = probes.length;
    const c = await RawSmtp.connect(probePort);
    await c.reply();
    const conn = probes[before]!.connection;
    conn.session.disabledCommands = ['VRFY'];
    expect(conn.hostNameAppearsAs).toBe(false);
    await c.command('EHLO Mail.Example.COM');
    expect(conn.hostNameAppearsAs).toBe('mail.example.com');
    expect(conn.openingCommand).toBe('EHLO');
    await c.command('HELO other.example.com');
    expect(conn.hostNameAppearsAs).toBe('other.example.com');
    expect(conn.openingCommand).toBe('HELO');
    expect(conn.session.disabledCommands).toEqual(['VRFY']);
    expect((await c.command('VRFY a')).lines).toEqual(['500 X Error: command not recognized']);
    c.close();
  });

  it('XCLIENT ADDR sets remoteAddress, _xClient ADDR and ADDR:DEFAULT, keeps _originalRemoteAddress, forgets the EHLO and greets again', async () => {
    const before = probes.length;
    const c = await RawSmtp.connect(probePort);
    await c.reply();
    const conn = probes[before]!.connection;
    await c.command('EHLO mail.example.com');
    expect((await c.command('XCLIENT ADDR=203.0.113.7 NAME=client.example.net')).lines).toEqual([`220 X raw.example ESMTP`]);
    expect(conn.remoteAddress).toBe('203.0.113.7');
    expect(conn._originalRemoteAddress).toBe('127.0.0.1');
    expect(conn._xClient.get('ADDR')).toBe('203.0.113.7');
    expect(conn._xClient.get('ADDR:DEFAULT')).toBe('127.0.0.1');
    expect(conn._xClient.get('NAME')).toBe('client.example.net');
    expect(conn.hostNameAppearsAs).toBe(false);
    expect((await c.command('XCLIENT ADDR=203.0.113.8')).lines).toEqual(['550 X Error: Not allowed']);
    c.close();
  });

  it('STARTTLS: the 220 is sent before upgrade() sets _upgrading; after the handshake secure is true and the EHLO is forgotten', async () => {
    const before = probes.length;
    const c = await RawSmtp.connect(probePort);
    await c.reply();
    const p = probes[before]!;
    await c.command('EHLO mail.example.com');
    expect((await c.command('STARTTLS')).lines).toEqual(['220 X Ready to start TLS']);
    expect(p.upgrading).toEqual([true]);
    await c.upgrade();
    expect((await c.command('NOOP')).lines).toEqual(['250 X OK']);
    expect(p.connection._upgrading).toBe(false);
    expect(p.connection.secure).toBe(true);
    expect(p.connection.hostNameAppearsAs).toBe(false);
    expect((await c.command('STARTTLS')).lines).toEqual(['503 X Error: TLS already active']);
    c.close();
  });

  it('_onClose runs once when the client goes away', async () => {
    const before = probes.length;
    const c = await RawSmtp.connect(probePort);
    await c.reply();
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(probes[before]!.closes).toBe(1);
  });

  it('parser errors, idle timeouts and shutdown all come through send(421, ...)', async () => {
    let c = await RawSmtp.connect(probePort);
    await c.reply();
    c.write(`${'x'.repeat(70_000)}\r\n`);
    expect((await c.reply()).lines).toEqual(['421 X Error: Command line too long']);
    expect(await c.waitClosed()).toBe(true);

    c = await RawSmtp.connect(probePort);
    await c.reply();
    expect((await c.reply(3000)).lines).toEqual(['421 X Timeout - closing connection']);
    expect(await c.waitClosed()).toBe(true);

    const server = new ProbeServer(rawOptions({ closeTimeout: 300 }));
    const port = await listen(server);
    c = await RawSmtp.connect(port);
    await c.reply();
    const closing = closeServer(server);
    expect(server._closeTimeout).toBeTruthy();
    expect((await c.command('NOOP')).lines).toEqual(['421 X Server shutting down']);
    await closing;
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * For each reply text smtp-server writes: the text as it appears on the wire (`text`), the
 * command it answers when the mapping depends on it, the profile reply it must map to, and
 * the literal source fragments it is built from (checked against the installed files).
 */
interface Sample {
  code: number;
  text: string;
  verb?: string;
  id: BuiltinReplyId;
  source: Array<string | RegExp>;
}

const SAMPLES: Sample[] = [
  { code: 220, text: 'mx.google.com ESMTP', id: 'greeting', source: ["this.send(220, this.name + ' ' + (options.lmtp ? 'LMTP' : 'ESMTP')"] },
  { code: 220, text: 'Ready to start TLS', verb: 'STARTTLS', id: 'starttls-ok', source: ["this.send(220, 'Ready to start TLS')"] },
  { code: 250, text: 'mx.google.com Nice to meet you, [127.0.0.1]', verb: 'EHLO', id: 'ehlo-ok', source: ["'%s Nice to meet you, %s'", 'this.send(250, [formattedResponse].concat(features || []), false)'] },
  { code: 250, text: 'mx.google.com Nice to meet you, [127.0.0.1]', verb: 'HELO', id: 'helo-ok', source: ["'%s Nice to meet you, %s'", 'this.send(250, formattedResponse, false)'] },
  { code: 250, text: 'Accepted', verb: 'MAIL', id: 'mail-ok', source: ["this.send(250, 'Accepted', 'MAIL_FROM_OK')"] },
  { code: 250, text: 'Accepted', verb: 'RCPT', id: 'rcpt-ok', source: ["this.send(250, 'Accepted', 'RCPT_TO_OK')"] },
  { code: 250, text: 'Flushed', verb: 'RSET', id: 'rset', source: ["this.send(250, 'Flushed')"] },
  { code: 250, text: 'OK', verb: 'NOOP', id: 'noop', source: ["this.send(250, 'OK')"] },
  { code: 221, text: 'Bye', verb: 'QUIT', id: 'quit', source: ["this.send(221, 'Bye')"] },
  { code: 214, text: 'See https://tools.ietf.org/html/rfc5321 for details', verb: 'HELP', id: 'help', source: ["this.send(214, 'See https://tools.ietf.org/html/rfc5321 for details')"] },
  { code: 252, text: 'Try to send something. No promises though', verb: 'VRFY', id: 'vrfy', source: ["this.send(252, 'Try to send something. No promises though')"] },
  { code: 501, text: 'Error: Syntax: VRFY address', verb: 'VRFY', id: 'param-error', source: ["this.send(501, 'Error: Syntax: VRFY address')"] },
  { code: 354, text: 'End data with <CR><LF>.<CR><LF>', verb: 'DATA', id: 'data-go', source: ["this.send(354, 'End data with <CR><LF>.<CR><LF>')"] },
  { code: 503, text: 'Error: nested MAIL command', verb: 'MAIL', id: 'nested-mail', source: ["this.send(503, 'Error: nested MAIL command')"] },
  { code: 503, text: 'Error: need MAIL command', verb: 'RCPT', id: 'bad-sequence', source: ["this.send(503, 'Error: need MAIL command')"] },
  { code: 503, text: 'Error: need RCPT command', verb: 'DATA', id: 'bad-sequence', source: ["this.send(503, 'Error: need RCPT command')"] },
  { code: 503, text: 'Error: send HELO/EHLO first', verb: 'MAIL', id: 'bad-sequence', source: ["this.send(503, 'Error: send ' + (this._server.options.lmtp ? 'LHLO' : 'HELO/EHLO') + ' first')"] },
  { code: 503, text: 'Error: Mail transaction in progress', verb: 'XCLIENT', id: 'bad-sequence', source: ["this.send(503, 'Error: Mail transaction in progress')"] },
  { code: 503, text: 'Error: TLS already active', verb: 'STARTTLS', id: 'starttls-repeat', source: ["this.send(503, 'Error: TLS already active')"] },
  { code: 501, text: 'Error: syntax: STARTTLS', verb: 'STARTTLS', id: 'starttls-args', source: ["this.send(501, 'Error: syntax: STARTTLS')"] },
  { code: 503, text: 'Error: No identity changes permitted', verb: 'AUTH', id: 'auth-identity', source: ["this.send(503, 'Error: No identity changes permitted')"] },
  { code: 504, text: 'Error: Unrecognized authentication type', verb: 'AUTH', id: 'auth-mech', source: ["this.send(504, 'Error: Unrecognized authentication type')"] },
  { code: 501, text: 'Error: syntax: AUTH PLAIN token', verb: 'AUTH', id: 'auth-undecodable', source: ["this.send(501, 'Error: syntax: AUTH PLAIN token')"] },
  { code: 501, text: 'Error: syntax: AUTH LOGIN', verb: 'AUTH', id: 'auth-undecodable', source: ["this.send(501, 'Error: syntax: AUTH LOGIN')"] },
  { code: 501, text: 'Error: invalid userdata', verb: 'AUTH', id: 'auth-undecodable', source: ["this.send(501, 'Error: invalid userdata')"] },
  { code: 501, text: 'Error: missing username', id: 'auth-undecodable', source: ["this.send(501, 'Error: missing username')"] },
  { code: 501, text: 'Authentication aborted', id: 'auth-aborted', source: ["this.send(501, 'Authentication aborted')"] },
  { code: 334, text: '', verb: 'AUTH', id: 'auth-challenge', source: ['this.send(334);'] },
  { code: 334, text: 'VXNlcm5hbWU6', verb: 'AUTH', id: 'auth-challenge', source: ["this.send(334, 'VXNlcm5hbWU6')"] },
  { code: 334, text: 'UGFzc3dvcmQ6', id: 'auth-challenge', source: ["this.send(334, 'UGFzc3dvcmQ6')"] },
  { code: 235, text: 'Authentication successful', id: 'auth-ok', source: ["this.send(235, 'Authentication successful')"] },
  { code: 501, text: 'Error: syntax: EHLO hostname', verb: 'EHLO', id: 'helo-syntax', source: ["this.send(501, 'Error: syntax: ' + (this._server.options.lmtp ? 'LHLO' : 'EHLO') + ' hostname', false)"] },
  { code: 501, text: 'Error: Syntax: HELO hostname', verb: 'HELO', id: 'helo-syntax', source: ["this.send(501, 'Error: Syntax: HELO hostname', false)"] },
  { code: 501, text: 'Error: Bad hostname syntax', verb: 'EHLO', id: 'helo-syntax', source: ["this.send(501, 'Error: Bad hostname syntax', false)"] },
  { code: 501, text: 'Error: Bad sender address syntax', verb: 'MAIL', id: 'syntax-error', source: ["this.send(501, 'Error: Bad sender address syntax', 'SENDER_SYNTAX_ERROR')"] },
  { code: 501, text: 'Error: Bad recipient address syntax', verb: 'RCPT', id: 'syntax-error', source: ["this.send(501, 'Error: Bad recipient address syntax', 'MAILBOX_SYNTAX_ERROR')"] },
  { code: 501, text: 'Error: duplicate SIZE parameter', verb: 'MAIL', id: 'param-error', source: ["error = 'Error: duplicate ' + parsed.duplicate + ' parameter';", 'this.send(501, error);'] },
  { code: 501, text: 'Error: NOTIFY parameter requires a value', verb: 'RCPT', id: 'param-error', source: ["error = 'Error: ' + valueless + ' parameter requires a value';", "const RCPT_VALUE_PARAMS = ['NOTIFY', 'ORCPT'];"] },
  { code: 501, text: 'Error: SIZE parameter requires a value', verb: 'MAIL', id: 'param-error', source: ["const MAIL_VALUE_PARAMS = ['BODY', 'SIZE', 'RET', 'ENVID'];"] },
  { code: 501, text: 'Error: Bad message size syntax', verb: 'MAIL', id: 'param-error', source: [/code: 501,\s*message: 'Error: Bad message size syntax'/] },
  { code: 501, text: 'Error: NOTIFY parameter must be NEVER, SUCCESS, FAILURE, or DELAY', verb: 'RCPT', id: 'param-error', source: ["this.send(501, 'Error: NOTIFY parameter must be NEVER, SUCCESS, FAILURE, or DELAY')"] },
  { code: 501, text: 'Error: NOTIFY=NEVER cannot be combined with other values', verb: 'RCPT', id: 'param-error', source: ["this.send(501, 'Error: NOTIFY=NEVER cannot be combined with other values')"] },
  { code: 501, text: 'Invalid BODY parameter value. Must be 7BIT or 8BITMIME', verb: 'MAIL', id: 'param-error', source: [/code: 501,\s*message: 'Invalid BODY parameter value\. Must be 7BIT or 8BITMIME'/] },
  { code: 501, text: 'Invalid SMTPUTF8 parameter. This flag does not accept a value', verb: 'MAIL', id: 'param-error', source: [/code: 501,\s*message: 'Invalid SMTPUTF8 parameter\. This flag does not accept a value'/] },
  { code: 501, text: 'Invalid REQUIRETLS parameter. This flag does not accept a value', verb: 'MAIL', id: 'param-error', source: [/code: 501,\s*message: 'Invalid REQUIRETLS parameter\. This flag does not accept a value'/] },
  { code: 501, text: 'Invalid RET parameter value. Must be FULL or HDRS', verb: 'MAIL', id: 'param-error', source: [/code: 501,\s*message: 'Invalid RET parameter value\. Must be FULL or HDRS'/] },
  { code: 530, text: 'REQUIRETLS not permitted on non-TLS connections', verb: 'MAIL', id: 'param-error', source: [/code: 530,\s*message: 'REQUIRETLS not permitted on non-TLS connections'/, 'this.send(validationError.code, validationError.message'] },
  { code: 550, text: 'Error: Not allowed', verb: 'XCLIENT', id: 'xclient-denied', source: ["this.send(550, 'Error: Not allowed', 'NOT_AUTHORIZED')"] },
  { code: 501, text: 'Error: Bad command parameter syntax', verb: 'XCLIENT', id: 'xclient-syntax', source: ["this.send(501, 'Error: Bad command parameter syntax')"] },
  { code: 501, text: 'Error: Bad command parameter syntax. Invalid address', verb: 'XCLIENT', id: 'xclient-syntax', source: ["return { error: 'Error: Bad command parameter syntax. Invalid address' };", 'this.send(501, error);'] },
  { code: 501, text: 'Error: Bad command parameter syntax. Invalid hostname', verb: 'XCLIENT', id: 'xclient-syntax', source: ["return { error: 'Error: Bad command parameter syntax. Invalid hostname' };"] },
  { code: 421, text: 'mx.google.com You talk too soon', verb: 'EHLO', id: 'early-talker', source: ["this.send(421, this.name + ' You talk too soon', commandName)"] },
  { code: 421, text: 'Server shutting down', id: 'shutting-down', source: ["this.send(421, 'Server shutting down', commandName)", "connection.send(421, 'Server shutting down')"] },
  { code: 421, text: 'HTTP requests not allowed', verb: 'GET', id: 'http-refused', source: ["this.send(421, 'HTTP requests not allowed', commandName)"] },
  { code: 421, text: 'Timeout - closing connection', id: 'idle-timeout', source: ["this.send(421, 'Timeout - closing connection')"] },
  { code: 421, text: 'Error: Command line too long', id: 'line-too-long', source: ["this.send(421, 'Error: ' + err.message)", "return new Error('Command line too long');"] },
  { code: 421, text: 'mx.google.com Too many connected clients, try again in a moment', id: 'server-busy', source: ["this.send(421, this.name + ' Too many connected clients, try again in a moment', false)"] },
  { code: 451, text: 'Error: internal server error', verb: 'MAIL', id: 'internal-error', source: ["this.send(451, 'Error: internal server error')"] },
  { code: 421, text: 'Error: too many unrecognized commands', verb: 'FOO', id: 'temp-failure', source: ["this.send(421, 'Error: too many unrecognized commands', commandName)"] },
  { code: 421, text: 'Error: too many unauthenticated commands', verb: 'MAIL', id: 'temp-failure', source: ["this.send(421, 'Error: too many unauthenticated commands', commandName)"] },
];

/**
 * Replies smtp-server can write that Bouncer never lets it reach: each with the reason. If a
 * dialogue ever reaches one, the adapter logs 'smtp-server reply without a profile mapping'
 * (checked below over a full set of dialogues).
 */
const UNREACHABLE: Array<{ code: number; text: string; why: string }> = [
  { code: 200, text: 'Please pass, oh mighty wizard', why: 'WIZ is in DISABLED_VERBS' },
  { code: 500, text: 'You are no wizard!', why: 'WIZ is in DISABLED_VERBS' },
  { code: 500, text: 'Mere mortals must not mutter that mantra', why: 'SHELL is in DISABLED_VERBS' },
  { code: 500, text: 'Error: Invoking shell is not allowed. This incident will be reported.', why: 'SHELL is in DISABLED_VERBS' },
  { code: 500, text: 'Can not kill Mom', why: 'KILL is in DISABLED_VERBS' },
  { code: 500, text: 'Error: command not recognized', why: 'the policy gate answers unknown verbs before smtp-server sees them' },
  { code: 452, text: 'Error: too many recipients', why: 'maxRecipients is not set; rcpt.too-many-recipients answers' },
  { code: 501, text: 'Error: Bad ORCPT parameter syntax', why: 'hideDSN: true skips the DSN checks' },
  { code: 535, text: 'Error: Username and Password not accepted', why: 'XOAUTH2 is never in authMethods' },
  { code: 538, text: 'Error: Must issue a STARTTLS command first', why: 'allowInsecureAuth: true; command.starttls-required answers' },
  { code: 552, text: 'Error: message exceeds fixed maximum message size ', why: 'the size option is not set; mail.size-declared and message.size answer' },
];

/**
 * send() calls whose text comes from an application handler (or from an option Bouncer never
 * sets). For the handler ones connection.ts has already chosen the reply (pendingReply) before
 * smtp-server calls send(), so the text smtp-server passes is never looked at.
 */
const PASS_THROUGH: Array<{ call: string; why: string }> = [
  { call: ".send(250, typeof message === 'string' ? message : 'OK: message queued'", why: 'end of DATA: handleData set pendingReply (accepted)' },
  { call: ".send(err.responseCode || 450, err.message)", why: 'end of DATA refused: handleData set pendingReply' },
  { call: ".send(err.responseCode || 535, err.message)", why: 'AUTH refused: handleAuth set pendingReply' },
  { call: ".send(err.responseCode || 554, err.message, context)", why: 'onConnect/onSecure refused (_refuse): handleConnect set pendingReply' },
  { call: ".send(550, err.message)", why: 'XCLIENT LOGIN refused: handleAuth set pendingReply' },
  { call: ".send(response.responseCode || 535, response.message || 'Error: Authentication credentials invalid')", why: 'handleAuth always returns {user} or an Error' },
  { call: ".send(err.responseCode || 550, err.message)", why: 'onMailFrom/onRcptTo always call back without an error (the gate judged before)' },
  { call: ".send(250, typeof message === 'string' ? message : 'OK: message accepted'", why: 'LMTP only; lmtp is never set' },
  { call: ".send(250, typeof response === 'string' ? response : 'OK: message accepted'", why: 'LMTP only' },
  { call: ".send(error.responseCode || 450, error.message)", why: 'LMTP only' },
  { call: ".send(500, 'Error: ' + commandName + ' not allowed in LMTP server'", why: 'LMTP only' },
  { call: ".send(530, typeof this._server.options.authRequiredMessage === 'string'", why: 'authOptional: true' },
  { call: ".send(552, 'Error: message exceeds fixed maximum message size ' + this._server.options.size", why: 'the size option is not set' },
  { call: ".send(334, Buffer.from(challenge).toString('base64'))", why: 'CRAM-MD5 is never offered (it would map to auth-challenge)' },
  { call: ".send(response.responseCode || 334, Buffer.from(JSON.stringify(response.data || {})).toString('base64'))", why: 'XOAUTH2 is never offered' },
];

describe('every built-in reply mapping matches a text smtp-server really writes', () => {
  it('the installed sources contain each sample text fragment', () => {
    for (const sample of SAMPLES) {
      for (const piece of sample.source) {
        if (typeof piece === 'string') expect(SOURCE, `${sample.code} ${sample.text}: ${piece}`).toContain(piece);
        else expect(SOURCE, `${sample.code} ${sample.text}`).toMatch(piece);
      }
    }
  });

  it.each(SAMPLES.map((s) => [s.code, s.text, s.verb ?? '-', s.id, s] as const))('%i %j (answering %s) maps to %s', (code, text, _verb, id, sample) => {
    expect(matchBuiltin(code, text, sample.verb)).toBe(id);
  });

  it('every mapping in BUILTIN_MATCHES is the first match for at least one real text', () => {
    const hit = new Set<number>();
    for (const s of SAMPLES) {
      const index = BUILTIN_MATCHES.findIndex((m) => m.code === s.code && m.text.test(s.text) && (!m.verbs || (s.verb !== undefined && m.verbs.includes(s.verb))));
      expect(index, `${s.code} ${s.text}`).toBeGreaterThanOrEqual(0);
      hit.add(index);
    }
    const missed = BUILTIN_MATCHES.map((m, i) => (hit.has(i) ? undefined : `${m.code} ${m.text.source} → ${m.id}`)).filter(Boolean);
    expect(missed).toEqual([]);
  });

  it('every mapped id is a built-in reply every profile must define', () => {
    for (const m of BUILTIN_MATCHES) expect(BUILTIN_REPLY_IDS).toContain(m.id);
  });

  it('every send() call in the sources is accounted for: mapped, sampled, unreachable or a handler pass-through', () => {
    const calls = SOURCES.flatMap(({ file, text }) => [...text.matchAll(/\.send\([^\n]*/g)].map((m) => ({ file, call: m[0] })));
    expect(calls.length).toBeGreaterThan(80);
    const verbs = [undefined, 'EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'NOOP', 'RSET', 'QUIT', 'AUTH', 'STARTTLS', 'XCLIENT'];
    const samplePieces = SAMPLES.flatMap((s) => s.source).filter((p): p is string => typeof p === 'string' && /\.send\(/.test(p)).map((p) => p.slice(p.indexOf('.send(')).replace(/;$/, ''));
    const unaccounted = calls.filter(({ call }) => {
      const literal = /^\.send\((\d{3}), '((?:[^'\\]|\\.)*)'(?:, [^)]*)?\);$/.exec(call);
      if (literal) {
        const [code, text] = [Number(literal[1]), literal[2]!];
        return !verbs.some((v) => matchBuiltin(code, text, v)) && !UNREACHABLE.some((u) => u.code === code && u.text === text);
      }
      return !samplePieces.some((p) => call.startsWith(p)) && !PASS_THROUGH.some((p) => call.startsWith(p.call));
    });
    expect(unaccounted).toEqual([]);
  });

  it('every reply _validateMailParams returns is mapped or unreachable', () => {
    const found = [...CONNECTION_SOURCE.matchAll(/code: (\d{3}),\s*message: '((?:[^'\\]|\\.)*)'/g)].map((m) => ({ code: Number(m[1]), text: m[2]! }));
    expect(found.length).toBeGreaterThanOrEqual(7);
    const unmapped = found.filter((f) => !matchBuiltin(f.code, f.text, 'MAIL') && !UNREACHABLE.some((u) => u.code === f.code && u.text === f.text));
    expect(unmapped).toEqual([]);
  });

  it('the unreachable and pass-through lists name real calls', () => {
    for (const u of UNREACHABLE) expect(SOURCE, `${u.code} ${u.text}`).toContain(`'${u.text}'`);
    for (const p of PASS_THROUGH) expect(SOURCE, p.call).toContain(p.call);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Bouncer over a full set of dialogues', () => {
  const logLines: Array<{ level: number; msg: string; code?: number; text?: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as (typeof logLines)[number]);
      cb();
    },
  });
  const log = pino({ level: 'warn' }, sink);
  const running: Bouncer[] = [];
  const portOf = (b: Bouncer, name: string) => b.listeners.find((l) => l.name === name)!.port;
  let main: Bouncer;

  async function start(overrides: BouncerConfigInput): Promise<Bouncer> {
    const b = await startBouncer({ host: '127.0.0.1', http: { port: 0 }, store: { kind: 'memory' }, ...overrides }, { log });
    running.push(b);
    return b;
  }

  beforeAll(async () => {
    const dir = tempProfileDir({
      'slow-mx': 'name: slow-mx\nextends: gmail-mx\ndescription: greeting delay\ngreetingDelayMs: 300\n',
      'idle-mx': 'name: idle-mx\nextends: gmail-mx\ndescription: short idle timeout\nlimits: {idleTimeoutMs: 300}\n',
      'small-mx': 'name: small-mx\nextends: gmail-mx\ndescription: small limit\nlimits: {maxMessageSize: 1000}\n',
    });
    main = await start({
      profileDirs: [dir],
      auth: { users: [{ username: 'alice@example.com', password: 'right' }, { username: 'bob@example.com', password: 'normal', appPassword: 'abcdabcdabcdabcd' }] },
      listeners: [
        { name: 'smtp', port: 0, profile: 'gmail-mx', tls: 'none' },
        { name: 'submission', port: 0, profile: 'gmail-submission', tls: 'starttls' },
        { name: 'smtps', port: 0, profile: 'gmail-submission', tls: 'implicit' },
        { name: 'permissive', port: 0, profile: 'permissive', tls: 'starttls' },
        { name: 'strict', port: 0, profile: 'strict', tls: 'none' },
        { name: 'slow', port: 0, profile: 'slow-mx', tls: 'none' },
        { name: 'idle', port: 0, profile: 'idle-mx', tls: 'none' },
        { name: 'small', port: 0, profile: 'small-mx', tls: 'none' },
      ],
    });
  });
  afterAll(async () => {
    await Promise.all(running.map((b) => b.stop()));
  });

  type Step = string | { write: string } | { upgrade: true } | { expectClosed: true };
  /** Runs a dialogue; each string is a command whose reply code must be the paired one. */
  async function dialogue(port: number, steps: Array<[Step, number?]>, opts: { tls?: boolean } = {}): Promise<void> {
    const c = await RawSmtp.connect(port, opts);
    expect((await c.reply()).code).toBe(220);
    for (const [step, code] of steps) {
      if (typeof step === 'string') expect((await c.command(step)).code, step).toBe(code);
      else if ('write' in step) {
        c.write(step.write);
        if (code !== undefined) expect((await c.reply()).code, step.write.slice(0, 40)).toBe(code);
      } else if ('upgrade' in step) await c.upgrade();
      else expect(await c.waitClosed()).toBe(true);
    }
    c.close();
  }

  const plain = (u: string, p: string) => Buffer.from(`\0${u}\0${p}`).toString('base64');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const body = 'From: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\nMessage-ID: <x@example.com>\r\n\r\nhi\r\n.';

  it('the logger really captures warnings (so the check below is not vacuous)', () => {
    log.warn('probe warning');
    expect(logLines.some((l) => l.msg === 'probe warning')).toBe(true);
    logLines.length = 0;
  });

  it('runs every kind of dialogue', async () => {
    const mx = portOf(main, 'smtp');
    await dialogue(mx, [
      ['NOOP', 250], ['HELP', 214], ['VRFY', 501], ['VRFY alice', 252], ['RSET', 250], ['FOO', 502], ['BDAT 1 LAST', 502],
      ['MAIL FROM:<a@example.com>', 503], ['AUTH PLAIN', 502], ['STARTTLS', 502], ['EHLO mail.example.com', 250], ['HELO mail.example.com', 250],
      ['RCPT TO:<b@example.org>', 503], ['DATA', 503], ['MAIL FROM:<a@example.com', 555], ['MAIL FROM:<a@example.com> SIZE=abc', 501],
      ['MAIL FROM:<a@example.com> SIZE', 501], ['MAIL FROM:<a@example.com> SIZE=1 SIZE=2', 501], ['MAIL FROM:<a@example.com> BODY=BINARYMIME', 501],
      ['MAIL FROM:<a@example.com> SMTPUTF8=yes', 501], ['MAIL FROM:<a@example.com> REQUIRETLS', 501], ['MAIL FROM:<a@example.com> SIZE=999999999999', 552],
      ['XCLIENT', 501], ['XCLIENT FOO=1', 501], ['XCLIENT ADDR=999.1.1.1', 501], ['XCLIENT NAME=bad_name!', 501],
      ['MAIL FROM:<a@example.com> BODY=8BITMIME SMTPUTF8', 250], ['MAIL FROM:<a@example.com>', 503], ['XCLIENT ADDR=203.0.113.7', 503],
      ['RCPT TO:<>', 555], ['RCPT TO:<b@example.org> NOTIFY', 501], ['RCPT TO:<b@example.org> NOTIFY=SUCCESS', 250], ['DATA', 354], [body, 250],
      ['XCLIENT ADDR=203.0.113.7 NAME=client.example.net', 220], ['XCLIENT ADDR=203.0.113.8', 550], ['EHLO mail.example.com', 250],
      ['MAIL FROM:<a@example.com>', 250], ['RCPT TO:<b@example.org>', 250], ['DATA', 354], [body, 550], ['RSET', 250], ['QUIT', 221], [{ expectClosed: true }],
    ]);
    // helo rules, line length, HTTP, junk, unrecognized flood
    await dialogue(mx, [['EHLO', 501], [{ expectClosed: true }]]);
    await dialogue(mx, [['EHLO bad_host!', 501], [{ expectClosed: true }]]);
    await dialogue(mx, [['HELO localhost', 504], [{ expectClosed: true }]]);
    await dialogue(mx, [[{ write: `${'x'.repeat(5000)}\r\n` }, 500], [{ expectClosed: true }]]);
    await dialogue(mx, [[{ write: 'GET / HTTP/1.1\r\n' }, 421], [{ expectClosed: true }]]);
    await dialogue(mx, [[{ write: '\x00\xff junk\r\n' }, 502], ['NOOP', 250]]);
    await dialogue(mx, [...Array.from({ length: 9 }, (_, i): [Step, number] => [`X${i}`, 502]), ['X9', 502], [{ expectClosed: true }]]);
    await dialogue(mx, [['EHLO mail.example.com', 250], ['MAIL FROM:<a@example.com>', 250], ['RCPT TO:<b@example.org>', 250], ['DATA', 354],
      ['From: a@example.com\r\nMessage-ID: <broken-boundary@example.com>\r\nContent-Type: multipart/mixed; boundary="a\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!\r\n.', 250]]);

    // submission with STARTTLS and AUTH
    const sub = portOf(main, 'submission');
    await dialogue(sub, [
      ['MAIL FROM:<a@example.com>', 503], ['EHLO mail.example.com', 250], ['MAIL FROM:<a@example.com>', 530], [`AUTH PLAIN ${plain('a', 'b')}`, 530],
      ['STARTTLS now', 501], ['STARTTLS', 220], [{ upgrade: true }], ['EHLO mail.example.com', 250], ['STARTTLS', 454], ['MAIL FROM:<a@example.com>', 530],
      ['AUTH CRAM-MD5', 504], ['AUTH XOAUTH2 abc', 504], ['AUTH PLAIN a b', 501], ['AUTH LOGIN a b', 501], ['AUTH PLAIN !!!!', 501],
      ['AUTH PLAIN', 334], ['*', 501], ['AUTH LOGIN', 334], ['', 501], ['AUTH LOGIN', 334], [b64('alice@example.com'), 334], ['*', 501],
      [`AUTH PLAIN ${plain('alice@example.com', 'wrong')}`, 535], ['AUTH LOGIN', 334], [b64('bob@example.com'), 334], [b64('normal'), 534],
      [`AUTH LOGIN ${b64('alice@example.com')}`, 334], [b64('right'), 235], [`AUTH PLAIN ${plain('alice@example.com', 'right')}`, 503],
      ['MAIL FROM:<alice@example.com> SIZE=35882578', 552], ['MAIL FROM:<alice@example.com> REQUIRETLS', 250], ['RCPT TO:<b@example.org>', 250],
      ['DATA', 354], [body, 250], ['QUIT', 221],
    ]);
    await dialogue(portOf(main, 'smtps'), [['EHLO mail.example.com', 250], [`AUTH PLAIN ${plain('bob@example.com', 'abcdabcdabcdabcd')}`, 235], ['QUIT', 221]], { tls: true });

    // permissive: smtp-server's own HELO/EHLO syntax checks and its AUTH without TLS
    const perm = portOf(main, 'permissive');
    await dialogue(perm, [['EHLO a b', 501], ['HELO a b', 501], ['HELO', 501], [`EHLO ${'a'.repeat(400)}`, 501], ['EHLO mail.example.com', 250],
      [`AUTH PLAIN ${plain('x', 'y')}`, 235], ['MAIL FROM:<a@example.com>', 250], ['RCPT TO:<b@example.org>', 250], ['DATA', 354], [body, 250],
      ['STARTTLS', 220], [{ upgrade: true }], ['EHLO mail.example.com', 250], ['QUIT', 221]]);

    // strict, early talker, idle timeout, size
    await dialogue(portOf(main, 'strict'), [['HELO mail.example.com', 502], ['EHLO mail.example.com', 550], ['EHLO sender.bouncer.test', 250]]);
    const early = await RawSmtp.connect(portOf(main, 'slow'));
    early.write('EHLO mail.example.com\r\n');
    expect((await early.reply()).code).toBe(554);
    expect(await early.waitClosed()).toBe(true);
    const idle = await RawSmtp.connect(portOf(main, 'idle'));
    expect((await idle.reply()).code).toBe(220);
    expect((await idle.reply(3000)).code).toBe(451);
    expect(await idle.waitClosed()).toBe(true);
    await dialogue(portOf(main, 'small'), [['EHLO mail.example.com', 250], ['MAIL FROM:<a@example.com>', 250], ['RCPT TO:<b@example.org>', 250], ['DATA', 354], [`Subject: x\r\n\r\n${'y'.repeat(3000)}\r\n.`, 552]]);

    // connection cap and shutdown, on a Bouncer of their own
    const capped = await start({ smtp: { maxConnections: 1 }, listeners: [{ name: 'smtp', port: 0, profile: 'gmail-mx', tls: 'none' }] });
    const first = await RawSmtp.connect(portOf(capped, 'smtp'));
    expect((await first.reply()).code).toBe(220);
    const second = await RawSmtp.connect(portOf(capped, 'smtp'));
    expect((await second.reply()).code).toBe(421);
    expect(await second.waitClosed()).toBe(true);
    const stopping = capped.stop();
    running.splice(running.indexOf(capped), 1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await first.command('NOOP')).code).toBe(421);
    await stopping;

    await new Promise((r) => setTimeout(r, 100));
  });

  it('no smtp-server reply reached the wire without a profile mapping, and nothing failed', () => {
    expect(logLines.filter((l) => l.msg === 'smtp-server reply without a profile mapping')).toEqual([]);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('Bouncer greets without smtp-server’s 100 ms pause: before a 50 ms timer in at least 9 of 10 connections', async () => {
    let first = 0;
    for (let i = 0; i < 10; i++) {
      const c = await RawSmtp.connect(portOf(main, 'smtp'));
      const winner = await Promise.race([c.reply(1000).then(() => 'greeting'), new Promise((r) => setTimeout(() => r('timer'), 50))]);
      if (winner === 'greeting') first++;
      c.close();
    }
    expect(first).toBeGreaterThanOrEqual(9);
  });
});
