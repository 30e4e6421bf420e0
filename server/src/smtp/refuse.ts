/**
 * The connection cap's fast path. A connection over smtp.maxConnections gets the profile's
 * server-busy reply (gmail-mx: `421 4.4.5 Server busy, try again later.`) and is closed
 * without building an smtp-server connection (parser, streams, timers) for it: under a flood
 * of a thousand connections the refusals must be cheap, so that the server still answers a
 * new client within a second. The refused session is recorded like any other (transcript,
 * the limits.max-connections decision, its close), and its reply reaches the metrics.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { PolicyEngine } from '../policy/engine.js';
import { formatReply, renderReply } from '../policy/render.js';
import type { SessionContext } from '../policy/types.js';
import { BUILTIN_DECISIONS } from './builtin-decisions.js';
import type { ListenerRuntime } from './listener.js';
import { ReplyTimer } from './reply-timer.js';
import { newSessionId } from './session-id.js';
import { SessionRecorder } from './session-recorder.js';

/** smtp-server reports IPv4 clients of a dual-stack socket without the ::ffff: prefix. */
const clientAddress = (socket: net.Socket) => (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

export function refuseBusy(runtime: ListenerRuntime, socket: net.Socket | tls.TLSSocket): void {
  const profile = runtime.profile();
  const deps = runtime.recorderDeps;
  const sessionId = newSessionId();
  const address = clientAddress(socket);
  const secure = 'encrypted' in socket && socket.encrypted === true;
  const timer = new ReplyTimer(deps.bus, { sessionId, listener: runtime.info.name, profile: profile.name });
  const recorder = new SessionRecorder(deps, { id: sessionId, listener: runtime.info.name, profile: profile.name, clientAddress: address, clientPort: socket.remotePort ?? 0, tls: secure });
  const ctx: SessionContext = {
    sessionId,
    listener: runtime.info.name,
    profile: profile.name,
    hostname: profile.hostname,
    client: { realAddress: address, address },
    tls: secure,
    envelope: { rcptTo: [] },
    unrecognizedCommands: 0,
    limits: profile.limits,
    dns: runtime.dns,
    mailboxes: runtime.mailboxes,
    users: runtime.users,
    now: () => new Date(deps.now()),
  };
  const reply = renderReply(profile.replies['server-busy'], PolicyEngine.baseVars(ctx));
  const lines = formatReply(reply);

  socket.on('error', () => undefined);
  socket.once('close', () => {
    recorder.line('*', 'connection closed');
    void recorder.close();
    runtime.log.info({ session: sessionId, listener: runtime.info.name, client: address, outcome: recorder.record.outcome, rejection: 'limits.max-connections' }, 'session closed');
  });
  socket.end(`${lines.join('\r\n')}\r\n`);
  for (const l of lines) recorder.line('S', l);
  timer.replied(reply.code, reply.enhanced);
  const known = BUILTIN_DECISIONS['server-busy']!;
  recorder.decision({
    at: deps.now(),
    phase: known.phase,
    ruleId: known.ruleId,
    verdict: 'reject',
    reply: { code: reply.code, enhanced: reply.enhanced, lines: reply.lines, close: true },
    why: known.why,
    fix: known.fix,
  });
  // a client that never reads our reply nor closes its side must not keep the socket
  setTimeout(() => socket.destroy(), 5000).unref();
}
