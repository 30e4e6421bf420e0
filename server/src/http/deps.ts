/**
 * What the HTTP API and the WebSocket hub are given. Plain interfaces passed in, so tests
 * can build them without a framework.
 */
import type { DoctorReport } from '../doctor/doctor.js';
import type { EventBus } from '../events/bus.js';
import type { DoctorRequest } from './routes/doctor.js';
import type { Profile } from '../policy/profile.js';
import type { SessionRecord, Store } from '../store/types.js';

export interface ListenerInfo {
  name: string;
  host: string;
  port: number;
  /** `none`: plain SMTP; `starttls`: plain, STARTTLS offered; `implicit`: TLS from the first byte (465). */
  tls: 'none' | 'starttls' | 'implicit';
  profile: string;
}

/** Sessions still connected: their records are live in memory until they close. */
export interface LiveSessions {
  get(id: string): SessionRecord | undefined;
  list(): SessionRecord[];
}

export interface ApiDeps {
  store: Store;
  bus: EventBus;
  live: LiveSessions;
  profiles: () => Profile[];
  listeners: () => ListenerInfo[];
  /** Origins allowed on the WebSocket besides the server's own. */
  allowedOrigins: string[];
  /**
   * Host names the API and WebSocket answer to besides loopback ones (DNS-rebinding guard,
   * see host-check.ts); `*` allows any.
   */
  allowedHosts?: string[];
  version: string;
  /** `POST /api/v1/doctor`: the diagnosis against the DNS world (or the DNS server the request names). */
  doctor?: (input: DoctorRequest) => Promise<DoctorReport>;
}
