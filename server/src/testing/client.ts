/**
 * The typed testing client for Bouncer's HTTP API: queries, server-side waits (one held
 * request each, no polling), scenarios. Records are typed with the server's own types.
 *
 * A client may be scoped to an isolation tag (`withTag`): its queries, waits, deletions and
 * scenarios then only see that tag, so parallel test workers sharing one Bouncer never see
 * each other's mail.
 */
import type { ListenerInfo } from '../http/deps.js';
import type { Scenario, ScenarioInput } from '../scenarios/spec.js';
import type { MessageRecord, MessageSummary, Page, SessionRecord, SessionSummary } from '../store/types.js';
import { describeFilter, filterParams, type MessageQuery, type PageQuery, type SessionQuery } from './filters.js';

/** The default wait (ms) when a call gives none. */
export const DEFAULT_WAIT_TIMEOUT = 10_000;
/** The server holds a wait at most this long (http/waits.ts MAX_WAIT_MS). */
export const MAX_WAIT_TIMEOUT = 300_000;

export interface WaitOptions {
  /** Milliseconds (default 10 000, at most 300 000). */
  timeout?: number;
}

/** An error answer of the API: `status` and the stable `error` id (`not_found`, `bad_request`, ...). */
export class BouncerApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'BouncerApiError';
  }
}

/** A wait ended without a match (`408 wait_timeout`). */
export class WaitTimeoutError extends BouncerApiError {
  constructor(message: string) {
    super(408, 'wait_timeout', message);
    this.name = 'WaitTimeoutError';
  }
}

export interface ClientOptions {
  /** Scope every query, wait, deletion and scenario to this tag. */
  tag?: string;
}

export class BouncerClient {
  /** The server's base URL, without a trailing slash (`http://127.0.0.1:8025`). */
  readonly url: string;
  readonly tag: string | undefined;

  constructor(url: string, options: ClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.tag = options.tag;
  }

  /** The same server, scoped to `tag`. */
  withTag(tag: string): BouncerClient {
    return new BouncerClient(this.url, { tag });
  }

  /** `local+tag@domain` for this client's tag (the address as-is without one). */
  address(local = 'user', domain = 'example.com'): string {
    return this.tag ? `${local}+${this.tag}@${domain}` : `${local}@${domain}`;
  }

  messages(filter: MessageQuery & PageQuery = {}): Promise<Page<MessageSummary>> {
    return this.get(`/api/v1/messages?${filterParams(filter, this.tag)}`);
  }

  message(id: string): Promise<MessageRecord> {
    return this.get(`/api/v1/messages/${encodeURIComponent(id)}`);
  }

  /** The message source as received. */
  async raw(id: string): Promise<Buffer> {
    const res = await this.request('GET', `/api/v1/messages/${encodeURIComponent(id)}/raw`);
    return Buffer.from(await res.arrayBuffer());
  }

  sessions(filter: SessionQuery & PageQuery = {}): Promise<Page<SessionSummary>> {
    return this.get(`/api/v1/sessions?${filterParams(filter, this.tag)}`);
  }

  session(id: string): Promise<SessionRecord> {
    return this.get(`/api/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** Deletes the stored messages (a scoped client: only its tag's); returns how many. */
  async deleteAll(): Promise<number> {
    const query = this.tag ? `?tag=${encodeURIComponent(this.tag)}` : '';
    const body = (await (await this.request('DELETE', `/api/v1/messages${query}`)).json()) as { deleted: number };
    return body.deleted;
  }

  /**
   * The newest stored message matching `filter`, or the first one stored before the timeout
   * (one request the server holds). Pass `since: Date.now()` (taken before the action) to
   * ignore messages from earlier. Rejects with a WaitTimeoutError.
   */
  waitForMessage(filter: MessageQuery = {}, options: WaitOptions = {}): Promise<MessageRecord> {
    return this.wait('/api/v1/messages/wait', filterParams(filter, this.tag), filter, options, 'message');
  }

  /** The newest ended session matching `filter`, or the first to end before the timeout. */
  waitForSession(filter: SessionQuery = {}, options: WaitOptions = {}): Promise<SessionRecord> {
    return this.wait('/api/v1/sessions/wait', filterParams(filter, this.tag), filter, options, 'session');
  }

  /** Creates a scenario; a scoped client scopes it to its tag unless `match.tag` says otherwise. */
  async scenario(input: ScenarioInput): Promise<Scenario> {
    const body = this.tag ? { ...input, match: { tag: this.tag, ...(input.match ?? {}) } } : input;
    const res = await this.request('POST', '/api/v1/scenarios', body);
    return (await res.json()) as Scenario;
  }

  /** Scenarios with their state and firings (a scoped client: only its tag's). */
  async scenarios(): Promise<Scenario[]> {
    const query = this.tag ? `?tag=${encodeURIComponent(this.tag)}` : '';
    return ((await this.get(`/api/v1/scenarios${query}`)) as Page<Scenario>).items;
  }

  getScenario(id: string): Promise<Scenario> {
    return this.get(`/api/v1/scenarios/${encodeURIComponent(id)}`);
  }

  async deleteScenario(id: string): Promise<void> {
    await this.request('DELETE', `/api/v1/scenarios/${encodeURIComponent(id)}`);
  }

  /** Deletes every scenario (a scoped client: only its tag's); returns how many. */
  async deleteScenarios(): Promise<number> {
    const query = this.tag ? `?tag=${encodeURIComponent(this.tag)}` : '';
    const body = (await (await this.request('DELETE', `/api/v1/scenarios${query}`)).json()) as { deleted: number };
    return body.deleted;
  }

  listeners(): Promise<ListenerInfo[]> {
    return this.get('/api/v1/listeners');
  }

  private async wait<T>(path: string, params: URLSearchParams, filter: object, options: WaitOptions, what: string): Promise<T> {
    const timeout = options.timeout ?? DEFAULT_WAIT_TIMEOUT;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_WAIT_TIMEOUT) {
      throw new RangeError(`timeout must be an integer from 0 to ${MAX_WAIT_TIMEOUT} ms, got ${timeout}`);
    }
    params.set('timeout', String(timeout));
    try {
      return await this.get<T>(`${path}?${params}`, timeout + 10_000);
    } catch (err) {
      if (err instanceof BouncerApiError && err.error === 'wait_timeout') {
        throw new WaitTimeoutError(`no ${what} matching ${describeFilter({ ...filter, tag: (filter as { tag?: unknown }).tag ?? this.tag })} within ${timeout} ms`);
      }
      throw err;
    }
  }

  private async get<T>(path: string, timeoutMs?: number): Promise<T> {
    return (await (await this.request('GET', path, undefined, timeoutMs)).json()) as T;
  }

  private async request(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Response> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      let error = 'http_error';
      let message = `${method} ${path}: HTTP ${res.status}`;
      try {
        const parsed = (await res.json()) as { error?: string; message?: string };
        if (parsed.error) error = parsed.error;
        if (parsed.message) message = parsed.message;
      } catch {
        // not JSON: keep the status line
      }
      throw new BouncerApiError(res.status, error, message);
    }
    return res;
  }
}
