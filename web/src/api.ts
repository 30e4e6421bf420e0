/** The HTTP API, same origin. Errors carry the API's stable id (`not_found`, `bad_request`, ...). */
import type { Listener, Message, MessageSummary, Outcome, Page, Profile, Rule, Session, SessionSummary } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/api/v1${path}`, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!res.ok) {
    let id = 'http_error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string; message?: string };
      id = body.error ?? id;
      message = body.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, id, message);
  }
  return (await res.json()) as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const patch = <T>(path: string, body: unknown) =>
  request<T>(path, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const api = {
  sessions: (p: { outcome?: Outcome; listener?: string; q?: string; limit?: number; offset?: number }) =>
    request<Page<SessionSummary>>(`/sessions${query(p)}`),
  session: (id: string) => request<Session>(`/sessions/${encodeURIComponent(id)}`),
  messages: (p: { status?: 'accepted' | 'rejected'; q?: string; session?: string; limit?: number; offset?: number }) =>
    request<Page<MessageSummary>>(`/messages${query(p)}`),
  message: (id: string) => request<Message>(`/messages/${encodeURIComponent(id)}`),
  rawUrl: (id: string) => `/api/v1/messages/${encodeURIComponent(id)}/raw`,
  attachmentUrl: (id: string, index: number) => `/api/v1/messages/${encodeURIComponent(id)}/attachments/${index}`,
  async raw(id: string): Promise<string> {
    const res = await fetch(api.rawUrl(id));
    if (!res.ok) throw new ApiError(res.status, 'http_error', `${res.status} ${res.statusText}`);
    return res.text();
  },
  profiles: () => request<Profile[]>('/profiles'),
  listeners: () => request<Listener[]>('/listeners'),
  setRuleEnabled: (profile: string, ruleId: string, enabled: boolean) =>
    patch<Rule & { profile: string; phase: string }>(`/profiles/${encodeURIComponent(profile)}/rules/${encodeURIComponent(ruleId)}`, { enabled }),
  setListenerProfile: (listener: string, profile: string) => patch<Listener>(`/listeners/${encodeURIComponent(listener)}`, { profile }),
};
