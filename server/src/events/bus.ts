/**
 * Typed event bus: producers (the SMTP sessions) publish, transports (WebSocket hub, waits,
 * metrics) subscribe. Storage never imports a transport, and no transport imports storage.
 */
import { EventEmitter } from 'node:events';
import type { Decision, Warning } from '../policy/types.js';
import type { ReplyEvent } from '../smtp/reply-timer.js';
import type { MessageSummary, SessionSummary, TranscriptLine } from '../store/types.js';

export interface BusEvents {
  'session.opened': { session: SessionSummary };
  'session.line': { sessionId: string; line: TranscriptLine };
  'session.decision': { sessionId: string; decision: Decision };
  'session.warning': { sessionId: string; warning: Warning };
  'message.stored': { message: MessageSummary };
  'session.closed': { session: SessionSummary };
}

/** Events for in-process observers only (metrics); never sent to WebSocket clients. */
export interface InternalEvents {
  /** One SMTP reply with its latency (smtp/reply-timer.ts). */
  'smtp.reply': ReplyEvent;
}

type AllEvents = BusEvents & InternalEvents;
export type BusEventName = keyof BusEvents;
/** The events the WebSocket hub forwards. */
export const BUS_EVENT_NAMES: readonly BusEventName[] = [
  'session.opened',
  'session.line',
  'session.decision',
  'session.warning',
  'message.stored',
  'session.closed',
];

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // every WebSocket client and every waiter is a listener; there is no small fixed number
    this.emitter.setMaxListeners(0);
  }

  publish<K extends keyof AllEvents>(name: K, payload: AllEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /** How many subscribers an event has (tests check that waits leave none behind). */
  listenerCount(name: BusEventName): number {
    return this.emitter.listenerCount(name);
  }

  /** True when somebody listens (lets a producer skip building a payload nobody reads). */
  observed(name: keyof AllEvents): boolean {
    return this.emitter.listenerCount(name) > 0;
  }

  /** Returns the function that unsubscribes. */
  subscribe<K extends keyof AllEvents>(name: K, listener: (payload: AllEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
