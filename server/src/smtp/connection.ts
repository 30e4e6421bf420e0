/**
 * THE adapter: the one place where Bouncer extends smtp-server (pinned 3.21.6). A subclass of
 * its connection, created through SMTPServer.prototype.connect (see listener.ts), that
 *  - runs the policy gate before every command, EHLO/HELO included;
 *  - replaces every reply smtp-server writes with the profile's reply of the same meaning;
 *  - writes multi-line replies and closes the connection after any reply whose rule says so;
 *  - records the transcript (C:/S:/* lines) with AUTH payloads redacted.
 * Rules decide (policy/), profiles hold the texts (profiles/*.yaml); this file only writes.
 * server/test/contract.test.ts pins every smtp-server behaviour relied on here.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPServer, SMTPServerDataStream } from 'smtp-server';
import { parseForPolicy } from '../mail/rule-facts.js';
import { newMessageId } from '../store/ids.js';
import { PolicyEngine } from '../policy/engine.js';
import type { BuiltinReplyId, Profile } from '../policy/profile.js';
import { formatReply, renderReply, type ReplyVars } from '../policy/render.js';
import type { Decision, MailPath, Phase, Reply, SessionContext, Verdict } from '../policy/types.js';
import type { MessageRecord } from '../store/types.js';
import type { ExpectedMessage } from '../store/write-queue.js';
import { BUILTIN_DECISIONS } from './builtin-decisions.js';
import { matchBuiltin } from './builtin-replies.js';
import { acceptedRateEvents, authenticateReceived, withAuthenticationResults } from './message-extras.js';
import type { ListenerRuntime } from './listener.js';
import { newSessionId } from './session-id.js';
import { IdleGuard } from './idle-guard.js';
import { ReplyTimer } from './reply-timer.js';
import { SessionRecorder } from './session-recorder.js';
import { tagOfAddress, tagOfHeaders, tagOfUsername } from './tags.js';

/** Verbs smtp-server knows that are sendmail jokes or proxy commands Bouncer does not offer. */
export const DISABLED_VERBS = ['WIZ', 'SHELL', 'KILL', 'XFORWARD', 'LHLO'];

/** smtp-server hands its handlers the session object; this finds the connection it belongs to. */
export const connectionBySession = new WeakMap<object, BouncerConnection>();

/** smtp-server's own test for an HTTP request line (it answers those itself; see builtin-replies.ts). */
const HTTP_REQUEST_LINE = /^(OPTIONS|GET|HEAD|POST|PUT|DELETE|TRACE|CONNECT) \/.* HTTP\/\d\.\d$/i;

/** How long a connection whose EHLO got a closing rejection waits for the HELO fallback. */
export const HELO_FALLBACK_MS = 500;

type ServerWithRuntime = SMTPServer & { bouncer: ListenerRuntime };

export class BouncerConnection extends SMTPConnection {
  readonly sessionId = newSessionId();
  readonly runtime: ListenerRuntime;
  readonly profile: Profile;
  readonly engine: PolicyEngine;
  readonly recorder: SessionRecorder;
  /** Reply latencies for the metrics (issue 6). */
  readonly timer: ReplyTimer;
  /** The idle timeout counts complete lines, not bytes (slowloris; issue 6). */
  private readonly idle: IdleGuard;
  /** The reply a policy decision chose for the next smtp-server `send()` (auth, data, connect). */
  private pendingReply: Reply | undefined;
  /** The verb of the command being answered, so `send()` knows what a reply means. */
  private currentVerb: string | undefined;
  private unrecognized = 0;
  /** Set after a closing EHLO rejection: the connection waits briefly for the HELO fallback. */
  private heloFallbackTimer: NodeJS.Timeout | undefined;
  /** Close after the next reply (the HELO fallback's answer, or a scenario's `drop: after-reply`). */
  private closeAfterReply = false;
  /** A scenario dropped the connection: nothing more is written. */
  private dropped = false;
  /** The message being received, announced to the group commit (store/write-queue.ts). */
  private expected: ExpectedMessage | undefined;
  /** Verbs this session refuses as unknown (see _isDisabled). */
  private readonly disabledVerbs: ReadonlySet<string>;
  /** The clock the rules and the reply placeholders read (the recorder's, so tests can set it). */
  private readonly now = (): Date => new Date(this.runtime.recorderDeps.now());

  constructor(server: SMTPServer, socket: net.Socket | tls.TLSSocket, options?: ConstructorParameters<typeof SMTPConnection>[2]) {
    super(server, socket, options);
    this.runtime = (server as ServerWithRuntime).bouncer;
    this.profile = this.runtime.profile();
    this.engine = this.runtime.engine(this.profile.name);
    this.recorder = new SessionRecorder(this.runtime.recorderDeps, {
      id: this.sessionId,
      listener: this.runtime.info.name,
      profile: this.profile.name,
      clientAddress: this.remoteAddress,
      clientPort: this.remotePort,
      tls: this.secure,
    });
    // per-session command switches, read by _isDisabled below (instead of smtp-server's
    // session.disabledCommands, which it normalises entry by entry at every lookup)
    const disabled = new Set(DISABLED_VERBS);
    if (!this.profile.auth.enabled) disabled.add('AUTH');
    if (this.runtime.info.tls !== 'starttls') disabled.add('STARTTLS');
    this.disabledVerbs = disabled;
    connectionBySession.set(this.session, this);
    this.timer = new ReplyTimer(this.runtime.recorderDeps.bus, { sessionId: this.sessionId, listener: this.runtime.info.name, profile: this.profile.name });
    this.idle = new IdleGuard(this.profile.limits.idleTimeoutMs, () => {
      if (!this.timer.awaitingReply) this._onTimeout();
    });
    if (this.secure) this.recorder.line('*', 'TLS from the first byte (implicit TLS listener)');
  }

  // ---- connection start ----------------------------------------------------------------

  /**
   * Replaces smtp-server's init(): its fixed 100 ms early-talker pause becomes the profile's
   * greetingDelayMs (default 0), and the connection cap answers with the profile's reply.
   */
  override init(): void {
    (this as unknown as { _setListeners(cb: () => void): void })._setListeners(() => {
      if (this.runtime.connectionCount() > this.runtime.maxConnections) {
        this.writeBuiltin('server-busy');
        return;
      }
      const delay = this.profile.greetingDelayMs;
      if (delay > 0) setTimeout(() => this.connectionReady(), delay).unref();
      else this.connectionReady();
    });
  }

  /**
   * Replaces smtp-server's test, which normalises every entry of session.disabledCommands at
   * every lookup (twice per command). The verb comes trimmed and upper-cased from
   * _isSupported (pinned in server/test/contract.test.ts).
   */
  override _isDisabled(command: string): boolean {
    return this.disabledVerbs.has(command);
  }

  // ---- the policy gate -------------------------------------------------------------------

  override _onCommand(command: Buffer, callback?: () => void): void {
    const next = callback ?? (() => undefined);
    const line = command.toString('utf8');
    const verb = (line.split(' ', 1)[0] ?? '').toUpperCase();
    this.timer.command(this._nextHandler ? 'AUTH' : verb);
    this.idle.progress();

    if (this._nextHandler) {
      // a continuation line of an AUTH exchange carries credentials (RFC 4954 §4)
      this.recorder.line('C', '****');
      return super._onCommand(command, next);
    }
    this.recorder.line('C', redact(verb, line));
    this.currentVerb = verb;
    if (this.heloFallbackTimer) {
      clearTimeout(this.heloFallbackTimer);
      this.heloFallbackTimer = undefined;
      if (verb !== 'HELO') {
        this.close();
        return next();
      }
      this.closeAfterReply = true;
    }
    // smtp-server's own pre-checks (during a TLS handshake, before the greeting, while shutting
    // down, HTTP on the SMTP port) come first; their replies are mapped in send()
    if (this._upgrading || !this._ready || this._server._closeTimeout || HTTP_REQUEST_LINE.test(line)) {
      return super._onCommand(command, next);
    }
    this.gate(verb, line, command)
      .then((verdict) => {
        if (verdict === 'continue') return super._onCommand(command, () => this.afterCommand(next));
        setImmediate(next);
      })
      .catch((err: Error) => {
        this.runtime.log.error({ err, session: this.sessionId }, 'policy evaluation failed');
        this.writeBuiltin('internal-error');
        setImmediate(next);
      });
  }

  private async gate(verb: string, line: string, command: Buffer): Promise<'continue' | 'rejected'> {
    const argument = line.slice(verb.length).trim();
    // smtp-server's _isSupported trims, its handler lookup does not: a verb behind a tab or CR
    // would pass here and then get smtp-server's own 500 (found by the fuzz test, issue 6)
    const known = verb === verb.trim() && this._isSupported(verb);
    const unimplemented = !known && this.profile.unimplementedCommands.includes(verb);
    // only verbs that are not SMTP at all count towards "too many unrecognized commands"
    if (!known && !unimplemented) this.unrecognized++;
    let path: MailPath | null | undefined;
    if (known && (verb === 'MAIL' || verb === 'RCPT')) {
      const parsed = this._parseAddressCommand(verb === 'MAIL' ? 'mail from' : 'rcpt to', command);
      path = parsed ? { address: parsed.address || '', args: (parsed.args || {}) as Record<string, string | true> } : null;
      // every address the client gives is kept, accepted or not, so a test can find the session
      if (path && verb === 'MAIL') this.recorder.noteSender(path.address);
      if (path && verb === 'RCPT') {
        this.recorder.noteRecipient(path.address);
        this.recorder.noteTag(tagOfAddress(path.address));
      }
    }
    // RSET ends the transaction: its message is no longer coming
    if (verb === 'RSET') this.settleExpected();
    const base = { command: { verb, argument, known, unimplemented, path } };
    if (await this.judge('command', base)) return 'rejected';
    if (!known) {
      // no rule answered an unknown verb; never let smtp-server's own text through
      this.writeBuiltin('unimplemented');
      return 'rejected';
    }
    const phase: Phase | undefined =
      verb === 'EHLO' || verb === 'HELO' ? 'helo' : verb === 'MAIL' ? 'mail' : verb === 'RCPT' ? 'rcpt' : verb === 'DATA' ? 'data' : verb === 'STARTTLS' ? 'starttls' : undefined;
    if (!phase) return 'continue';
    if (phase === 'helo') return this.judgeHelo(verb as 'EHLO' | 'HELO', argument, base);
    const rejected = await this.judge(phase, base);
    if (!rejected && phase === 'mail') this.announceMessage();
    return rejected ? 'rejected' : 'continue';
  }

  /**
   * A transaction begins (MAIL accepted): its message is announced to the group commit, so
   * that other sessions' commits wait a little for it (store/write-queue.ts). Announcing at
   * MAIL rather than at DATA gives a commit under load more messages to share it with: end-of-
   * DATA work used to take two event-loop turns (mailauth's chunked input), and those turns
   * were what let commits fill up; without them commits per message in a 20-session run went
   * from 0.2 to 0.7 (session 4). A lone client waits for nobody: its own message is the one
   * announced. RSET, a new MAIL, the message's end or the connection's close withdraw it.
   */
  private announceMessage(): void {
    this.settleExpected();
    this.expected = this.runtime.recorderDeps.writer.expectMessage();
  }

  private settleExpected(): void {
    this.expected?.settle();
    this.expected = undefined;
  }

  /**
   * A closing rejection of EHLO is written, then the connection waits HELO_FALLBACK_MS for the
   * client's HELO fallback (RFC 5321 §3.2: a client whose EHLO is refused retries with HELO;
   * nodemailer, smtplib and curl all do). That HELO gets its own reply and the connection
   * closes; anything else, or silence, closes it at once. Without this wait the client would
   * report "connection closed unexpectedly" instead of the reply it was given.
   */
  private async judgeHelo(verb: 'EHLO' | 'HELO', name: string, base: Partial<SessionContext>): Promise<'continue' | 'rejected'> {
    const verdict = await this.evaluate('helo', { ...base, helo: { verb, name } });
    if (verdict.kind === 'continue') return 'continue';
    // the name a refused client claimed is what the session list should show (smtp-server
    // never learns it); lower-cased like the names smtp-server records
    this.recorder.update({ heloVerb: verb, heloName: name ? name.toLowerCase() : undefined });
    if (verdict.kind === 'drop') return 'rejected';
    if (verdict.reply.close && verb === 'EHLO' && !this.closeAfterReply) {
      this.writeReply({ ...verdict.reply, close: false });
      this.heloFallbackTimer = setTimeout(() => {
        this.heloFallbackTimer = undefined;
        this.close();
      }, HELO_FALLBACK_MS);
      this.heloFallbackTimer.unref();
    } else {
      this.writeReply(verdict.reply);
    }
    return 'rejected';
  }

  /** Evaluates a phase; on a rejection writes the reply (closing if the rule says so). */
  private async judge(phase: Phase, extra: Partial<SessionContext>): Promise<boolean> {
    const verdict = await this.evaluate(phase, extra);
    if (verdict.kind === 'continue') return false;
    if (verdict.kind === 'reject') this.writeReply(verdict.reply);
    return true;
  }

  /**
   * Evaluates a phase and records its decisions. A scenario's effects are carried out here, so
   * every caller gets them: the delay before the reply (whoever writes it next), the close
   * after the next reply, and a drop (the connection closes without any reply).
   */
  private async evaluate(phase: Phase, extra: Partial<SessionContext>, messageId?: string): Promise<Verdict> {
    const ctx: SessionContext = Object.assign(this.context(), extra);
    ctx.tag = extra.tag ?? this.tagFor(phase, ctx);
    const verdict = await this.engine.evaluate(phase, ctx);
    for (const warning of verdict.warnings ?? []) this.recorder.warning(messageId ? { ...warning, messageId } : warning);
    for (const d of verdict.effects?.decisions ?? []) this.recorder.decision(d);
    if (verdict.kind !== 'continue') this.recorder.decision(verdict.decision);
    if (verdict.effects?.closeAfterReply) this.closeAfterReply = true;
    const delayMs = verdict.effects?.delayMs ?? 0;
    if (delayMs > 0) {
      this.recorder.line('*', `reply delayed ${delayMs} ms by a scenario`);
      await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
    }
    if (verdict.kind === 'drop') {
      this.recorder.line('*', `connection dropped by scenario ${verdict.decision.scenarioId ?? ''}`.trim());
      this.dropped = true;
      this.close();
    }
    return verdict;
  }

  /**
   * The isolation tag for an evaluation (see tags.ts): what this command or message carries,
   * else the first tagged recipient of the transaction, else the session's tag.
   */
  private tagFor(phase: Phase, ctx: SessionContext): string | undefined {
    const own =
      phase === 'auth'
        ? tagOfUsername(ctx.auth?.username)
        : phase === 'message'
          ? tagOfHeaders(ctx.message?.headers ?? [])
          : ctx.command?.verb === 'RCPT'
            ? tagOfAddress(ctx.command.path?.address)
            : undefined;
    return own ?? ctx.envelope.rcptTo.map((r) => tagOfAddress(r.address)).find((t) => t !== undefined) ?? this.recorder.record.tag;
  }

  /** After smtp-server handled a command: copy what it learned into the session record. */
  private afterCommand(next: () => void): void {
    const xAddr = this._xClient.get('ADDR');
    const xName = this._xClient.get('NAME');
    const record = this.recorder.record;
    this.recorder.update({
      heloVerb: this.hostNameAppearsAs ? (this.openingCommand as 'HELO' | 'EHLO') : record.heloVerb,
      heloName: this.hostNameAppearsAs || record.heloName,
      tls: this.secure,
      user: typeof this.session.user === 'string' ? this.session.user : undefined,
      claimedAddress: typeof xAddr === 'string' ? xAddr : undefined,
      claimedName: typeof xName === 'string' ? xName : undefined,
    });
    next();
  }

  context(): SessionContext {
    const envelope = this.session.envelope;
    const xHelo = this._xClient.get('HELO');
    const realAddress = String(this._xClient.get('ADDR:DEFAULT') || this.remoteAddress);
    return {
      sessionId: this.sessionId,
      listener: this.runtime.info.name,
      profile: this.profile.name,
      hostname: this.profile.hostname,
      client: {
        realAddress,
        address: this.remoteAddress,
        claimedAddress: realAddress !== this.remoteAddress ? this.remoteAddress : undefined,
        claimedName: typeof this._xClient.get('NAME') === 'string' ? String(this._xClient.get('NAME')) : undefined,
        claimedHelo: typeof xHelo === 'string' ? xHelo : undefined,
      },
      tls: this.secure,
      helo: this.hostNameAppearsAs ? { verb: this.openingCommand === 'HELO' ? 'HELO' : 'EHLO', name: this.hostNameAppearsAs } : undefined,
      user: typeof this.session.user === 'string' ? this.session.user : undefined,
      envelope: {
        mailFrom: envelope?.mailFrom ? toPath(envelope.mailFrom) : undefined,
        rcptTo: (envelope?.rcptTo ?? []).map(toPath),
      },
      unrecognizedCommands: this.unrecognized,
      limits: this.profile.limits,
      dns: this.runtime.dns,
      mailboxes: this.runtime.mailboxes,
      users: this.runtime.users,
      now: this.now,
      rates: this.runtime.rates,
    };
  }

  // ---- handlers smtp-server calls (wired in listener.ts) --------------------------------------

  async handleConnect(): Promise<Error | undefined> {
    const verdict = await this.evaluate('connect', {});
    if (verdict.kind === 'continue') return undefined;
    if (verdict.kind === 'reject') this.pendingReply = verdict.reply;
    return new Error('refused by policy');
  }

  handleSecure(socket: net.Socket | tls.TLSSocket): void {
    const tlsSocket = socket as tls.TLSSocket;
    const cipher = typeof tlsSocket.getCipher === 'function' ? tlsSocket.getCipher() : undefined;
    const protocol = typeof tlsSocket.getProtocol === 'function' ? tlsSocket.getProtocol() : undefined;
    this.recorder.line('*', `TLS started (${[protocol, cipher?.name].filter(Boolean).join(', ')})`);
    this.recorder.update({ tls: true });
  }

  async handleAuth(method: string, username: string, password: string): Promise<{ user: string } | Error> {
    this.recorder.noteTag(tagOfUsername(username));
    const verdict = await this.evaluate('auth', { auth: { method, username, password } });
    if (verdict.kind === 'continue') {
      this.recorder.update({ user: username });
      return { user: username };
    }
    if (verdict.kind === 'reject') this.pendingReply = verdict.reply;
    return new Error('refused by policy');
  }

  /**
   * End of DATA. The body is counted while it streams; beyond the size limit it is discarded,
   * never buffered. The reply is written only after the store committed the message.
   */
  handleData(stream: SMTPServerDataStream, done: (err?: Error | null) => void): void {
    // announced at MAIL already, unless the client skipped straight here (smtp-server refuses that)
    this.expected ??= this.runtime.recorderDeps.writer.expectMessage();
    const limit = this.profile.limits.maxMessageSize;
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      this.idle.progress();
      size += chunk.length;
      if (kept < limit) {
        // keep exactly the first `limit` bytes: the chunk that crosses the limit is cut, not dropped
        const part = kept + chunk.length <= limit ? chunk : chunk.subarray(0, limit - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    stream.once('error', () => undefined);
    stream.once('end', () => {
      this.timer.dataEnded();
      this.finishMessage(Buffer.concat(chunks, kept), size, size > limit).then(
        (ok) => {
          this.settleExpected();
          done(ok ? null : new Error('rejected'));
        },
        (err: Error) => {
          this.settleExpected();
          this.runtime.log.error({ err, session: this.sessionId }, 'message handling failed');
          this.pendingReply = this.builtin('internal-error');
          done(new Error('internal'));
        },
      );
    });
  }

  private async finishMessage(raw: Buffer, size: number, truncated: boolean): Promise<boolean> {
    const messageId = newMessageId();
    // headers (and From addresses) only, unless attachments are possible: the display parse
    // runs after the reply (mail/rule-facts.ts, store/display-queue.ts)
    const parsed = await parseForPolicy(raw);
    const envelope = this.session.envelope;
    const tag =
      tagOfHeaders(parsed.headers) ??
      envelope.rcptTo.map((r) => tagOfAddress(r.address)).find((t) => t !== undefined) ??
      this.recorder.record.tag;
    this.recorder.noteTag(tag);
    const ctx = this.context();
    const auth = await authenticateReceived(this.runtime, ctx, raw, truncated);
    const facts = { raw, size, truncated, headers: parsed.headers, parseError: truncated ? undefined : parsed.parseError, auth, from: parsed.from, attachments: parsed.attachmentBodies };
    const verdict = await this.evaluate('message', { message: facts, tag }, messageId);
    if (verdict.kind === 'drop') {
      // the client never gets an answer, so the message is not kept (it will send it again)
      this.recorder.line('C', `<message: ${size} bytes, not stored: the connection was dropped>`);
      return false;
    }
    const { attachmentBodies, complete, ...fields } = parsed;
    const record: MessageRecord = {
      id: messageId,
      sessionId: this.sessionId,
      receivedAt: this.runtime.recorderDeps.now(),
      status: verdict.kind === 'continue' ? 'accepted' : 'rejected',
      rejection:
        verdict.kind === 'reject'
          ? { phase: 'message', ruleId: verdict.decision.ruleId, code: verdict.reply.code, enhanced: verdict.reply.enhanced, text: verdict.reply.lines }
          : undefined,
      mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
      rcptTo: envelope.rcptTo.map((r) => r.address),
      size,
      truncated,
      ...fields,
      tag,
      ...(auth ? { auth } : {}),
    };
    this.recorder.line('C', `<message: ${size} bytes${truncated ? `, cut at ${raw.length}` : ''}, stored as ${messageId}>`);
    try {
      const stored = verdict.kind === 'continue' ? withAuthenticationResults(raw, auth) : raw;
      // a message parsed in full for the rules is stored with its display fields and attachments
      await this.recorder.saveMessage({ record, raw: stored, attachments: attachmentBodies }, { expected: this.expected, complete });
    } catch (err) {
      this.runtime.log.error({ err, session: this.sessionId }, 'store write failed');
      this.recorder.decision(this.storeFailure((err as Error).message));
      this.pendingReply = this.builtin('temp-failure');
      return false;
    }
    if (verdict.kind === 'reject') {
      this.pendingReply = verdict.reply;
      return false;
    }
    this.runtime.rates?.record(acceptedRateEvents(ctx, facts));
    this.pendingReply = this.builtin('accepted', { messageId });
    return true;
  }

  private storeFailure(reason: string): Decision {
    return this.decisionFor(
      'store.write-failed',
      'message',
      this.builtin('temp-failure'),
      `The message could not be stored: ${reason}`,
      'Nothing to change in the sender: this is a temporary failure and it should retry. Check Bouncer’s data directory (disk space, permissions).',
    );
  }

  // ---- writing ---------------------------------------------------------------------------

  /**
   * smtp-server's single write site. Every reply it would write is replaced: by the reply a
   * policy decision chose (pendingReply), or by the profile's reply for the same protocol event.
   */
  override send(code: number, data?: string | string[] | null, _context?: string | false): void {
    if (this.dropped) return;
    let reply = this.pendingReply;
    this.pendingReply = undefined;
    if (!reply) {
      const text = Array.isArray(data) ? (data[0] ?? '') : (data ?? '');
      const id = matchBuiltin(code, String(text), this.currentVerb);
      if (id === 'ehlo-ok') reply = this.ehloReply();
      else if (id) {
        reply = this.builtin(id, { challenge: code === 334 ? String(text) : undefined });
        this.recordBuiltin(id, reply);
      }
      else {
        this.runtime.log.warn({ code, text, session: this.sessionId }, 'smtp-server reply without a profile mapping');
        reply = { code, lines: [String(text)], close: code === 421 };
      }
    }
    // a 421 from smtp-server always means the connection goes away (parser error, shutdown)
    this.writeReply(code === 421 ? { ...reply, close: true } : reply);
  }

  private writeReply(reply: Reply): void {
    if (this.dropped) return;
    const lines = formatReply(reply);
    if (reply.code >= 400) this.session.error = lines.join('\n');
    if (!this._upgrading && !this._socket.destroyed && this._socket.readyState === 'open') {
      this._socket.write(lines.join('\r\n') + '\r\n');
    }
    for (const l of lines) this.recorder.line('S', l);
    this.timer.replied(reply.code, reply.enhanced);
    if (reply.close || this.closeAfterReply) this.close();
  }

  private builtin(id: BuiltinReplyId, vars: ReplyVars = {}): Reply {
    // the placeholders need five fields, not a whole session context (built for every reply)
    const source = { sessionId: this.sessionId, hostname: this.profile.hostname, limits: this.profile.limits, now: this.now, client: { address: this.remoteAddress } };
    return renderReply(this.profile.replies[id], { ...PolicyEngine.baseVars(source), ...vars });
  }

  private writeBuiltin(id: BuiltinReplyId): void {
    const reply = this.builtin(id);
    this.recordBuiltin(id, reply);
    this.writeReply(reply);
  }

  /** Limits and protocol abuse leave a decision too (see builtin-decisions.ts). */
  private recordBuiltin(id: BuiltinReplyId, reply: Reply): void {
    const known = BUILTIN_DECISIONS[id];
    if (known) this.recorder.decision(this.decisionFor(known.ruleId, known.phase, reply, known.why, known.fix));
  }

  private decisionFor(ruleId: string, phase: Phase, reply: Reply, why: string, fix: string): Decision {
    return {
      at: this.runtime.recorderDeps.now(),
      phase,
      ruleId,
      verdict: reply.code >= 400 ? 'reject' : 'accept',
      reply: { code: reply.code, enhanced: reply.enhanced, lines: reply.lines, close: reply.close },
      why,
      fix,
    };
  }

  /** The EHLO reply: the profile's first line, then one line per extension offered right now. */
  private ehloReply(): Reply {
    const first = this.builtin('ehlo-ok');
    const lines = [...first.lines];
    for (const ext of this.profile.ehlo.extensions) {
      switch (ext) {
        case 'SIZE':
          lines.push(`SIZE ${this.profile.limits.maxMessageSize}`);
          break;
        case 'STARTTLS':
          if (!this.secure && this.runtime.info.tls === 'starttls') lines.push('STARTTLS');
          break;
        case 'AUTH':
          if (this.profile.auth.enabled && !this.session.user && (this.secure || !this.profile.auth.requireTls)) {
            lines.push(`AUTH ${this.profile.auth.mechanisms.join(' ')}`);
          }
          break;
        case 'XCLIENT':
          if (this.runtime.xclientAllowed(this._originalRemoteAddress) && !this._xClient.has('ADDR')) lines.push('XCLIENT NAME ADDR PORT PROTO HELO LOGIN');
          break;
        default:
          lines.push(ext);
      }
    }
    return { ...first, lines };
  }

  // ---- end of the session ----------------------------------------------------------------

  /**
   * Shutdown (issue 6): true while a command waits for its reply or a message is being
   * received or judged; such a connection gets the shutting-down reply after that, not now.
   */
  get busy(): boolean {
    return this.timer.awaitingReply || !!this._dataStream || !!this._handlerPending;
  }

  override _onClose(): void {
    this.settleExpected();
    this.idle.stop();
    clearTimeout(this.heloFallbackTimer);
    super._onClose();
    this.recorder.line('*', 'connection closed');
    this.recorder.close();
    this.runtime.log.info(
      { session: this.sessionId, listener: this.runtime.info.name, client: this.remoteAddress, outcome: this.recorder.record.outcome, rejection: this.recorder.record.rejection?.ruleId },
      'session closed',
    );
  }
}

function toPath(p: { address: string; args?: unknown }): MailPath {
  return { address: p.address, args: (p.args && typeof p.args === 'object' ? p.args : {}) as Record<string, string | true> };
}

/** `AUTH PLAIN dXNlcg==` → `AUTH PLAIN ****`: credentials never reach the transcript. */
function redact(verb: string, line: string): string {
  if (verb !== 'AUTH') return line;
  const parts = line.trim().split(/\s+/);
  return parts.length > 2 ? `${parts[0]} ${parts[1]} ****` : line;
}
