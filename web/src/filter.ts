import type { Outcome, SessionSummary } from './types';

export interface SessionFilter {
  outcome: Outcome | '';
  listener: string;
  q: string;
}

/**
 * The same filter the API applies (server/src/http/routes/sessions.ts): outcome, listener,
 * and a case-insensitive substring of the id, client address, claimed address, EHLO name,
 * subject or rejecting rule id. Run in the browser over the loaded list, so it follows live
 * updates without a round trip.
 */
export function filterSessions(list: readonly SessionSummary[], f: SessionFilter): readonly SessionSummary[] {
  const needle = f.q.trim().toLowerCase();
  if (!f.outcome && !f.listener && !needle) return list;
  return list.filter((s) => {
    if (f.outcome && s.outcome !== f.outcome) return false;
    if (f.listener && s.listener !== f.listener) return false;
    if (!needle) return true;
    for (const v of [s.id, s.clientAddress, s.claimedAddress, s.heloName, s.subject, s.rejection?.ruleId]) {
      if (v && v.toLowerCase().includes(needle)) return true;
    }
    return false;
  });
}
