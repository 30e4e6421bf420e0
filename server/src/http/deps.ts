/**
 * What the HTTP API and the WebSocket hub are given. Plain interfaces passed in, so tests
 * can build them without a framework.
 */
import type { DoctorReport } from '../doctor/doctor.js';
import type { EventBus } from '../events/bus.js';
import type { DoctorRequest } from './routes/doctor.js';
import type { Profile } from '../policy/profile.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { WaitHub } from './waits.js';
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

/**
 * Runtime policy switches (the UI's Policy view): turn a rule on or off and move a listener to
 * another profile, for sessions that start after the call. Names are checked by the routes.
 */
export interface PolicyControl {
  /** The rule's effective state: the runtime switch if one was set, else the profile's `enabled`. */
  isRuleEnabled(profile: string, ruleId: string): boolean | undefined;
  setRuleEnabled(profile: string, ruleId: string, enabled: boolean): void;
  setListenerProfile(listener: string, profile: string): void;
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
  /** The scenarios the engines consult; absent in API-only tests (a detached registry is used). */
  scenarios?: ScenarioRegistry;
  /** The held wait requests; created by the router when absent. */
  waits?: WaitHub;
  /** Absent: profiles and listeners are read-only (the PATCH routes answer 404). */
  policy?: PolicyControl;
  /** `POST /api/v1/doctor`: the diagnosis against the DNS world (or the DNS server the request names). */
  doctor?: (input: DoctorRequest) => Promise<DoctorReport>;
  /**
   * Resolves when the messages stored so far have their display fields (parsed after the
   * SMTP reply); message routes wait for it so that they never serve a half-filled record.
   */
  settled?: () => Promise<void>;
  /** When set, every route but the health check and the WebSocket require it (ui-token.ts). */
  uiToken?: string;
  /** Prometheus exposition for `GET /metrics`; absent: no such route. */
  metrics?: { contentType: string; text(): Promise<string> };
}
