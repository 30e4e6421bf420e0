/**
 * Times each SMTP reply from the moment its command arrived (from the accepted socket for the
 * greeting, from the end of the data for the reply to a message) and publishes it on the bus
 * as `smtp.reply`, where metrics/metrics.ts picks it up. The adapter calls three methods;
 * nothing here writes to the wire.
 */
import type { EventBus } from '../events/bus.js';

/** The phases the latency histograms are kept for. */
export const REPLY_PHASES = ['connect', 'ehlo', 'mail', 'rcpt', 'data', 'message', 'auth', 'starttls', 'other', 'unsolicited'] as const;
export type ReplyPhase = (typeof REPLY_PHASES)[number];

const PHASE_OF_VERB: Record<string, ReplyPhase> = {
  EHLO: 'ehlo',
  HELO: 'ehlo',
  MAIL: 'mail',
  RCPT: 'rcpt',
  DATA: 'data',
  AUTH: 'auth',
  STARTTLS: 'starttls',
};

export interface ReplyEvent {
  sessionId: string;
  listener: string;
  profile: string;
  phase: ReplyPhase;
  code: number;
  enhanced?: string;
  /** From the command (or connection, or end of data) to the reply; absent for unsolicited replies. */
  seconds?: number;
}

export class ReplyTimer {
  private phase: ReplyPhase | undefined = 'connect';
  private since = process.hrtime.bigint();

  constructor(
    private readonly bus: EventBus,
    private readonly labels: { sessionId: string; listener: string; profile: string },
  ) {}

  /** A command (or the connection) waits for its reply. */
  get awaitingReply(): boolean {
    return this.phase !== undefined;
  }

  /** A command line arrived (AUTH continuation lines keep the AUTH phase going). */
  command(verb: string): void {
    this.phase = PHASE_OF_VERB[verb] ?? 'other';
    this.since = process.hrtime.bigint();
  }

  /** The last byte of a message arrived: its reply is the end-of-DATA reply. */
  dataEnded(): void {
    this.phase = 'message';
    this.since = process.hrtime.bigint();
  }

  /** A reply went out. Replies nobody asked for (timeouts, shutdown) have no latency. */
  replied(code: number, enhanced: string | undefined): void {
    const phase = this.phase ?? 'unsolicited';
    const seconds = this.phase ? Number(process.hrtime.bigint() - this.since) / 1e9 : undefined;
    // a 334 challenge continues the AUTH exchange; anything else ends the phase
    if (code !== 334) this.phase = undefined;
    this.bus.publish('smtp.reply', { ...this.labels, phase, code, enhanced, seconds });
  }
}
