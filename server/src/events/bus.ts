/**
 * Typed event bus: producers (the SMTP sessions) publish, transports (WebSocket hub, waits,
 * metrics) subscribe. Storage never imports a transport, and no transport imports storage.
 */
import { EventEmitter } from 'node:events';
import type { Decision, Warning } from '../policy/types.js';
import type { MessageSummary, SessionSummary, TranscriptLine } from '../store/types.js';

export interface BusEvents {
  'session.opened': { session: SessionSummary };
  'session.line': { sessionId: string; line: TranscriptLine };
  'session.decision': { sessionId: string; decision: Decision };
  'session.warning': { sessionId: string; warning: Warning };
  'message.stored': { message: MessageSummary };
  'session.closed': { session: SessionSummary };
}

export type BusEventName = keyof BusEvents;
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

  publish<K extends BusEventName>(name: K, payload: BusEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  /** How many subscribers an event has (tests check that waits leave none behind). */
  listenerCount(name: BusEventName): number {
    return this.emitter.listenerCount(name);
  }

  /** Returns the function that unsubscribes. */
  subscribe<K extends BusEventName>(name: K, listener: (payload: BusEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
