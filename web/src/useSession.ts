/**
 * One session, kept live: fetched from the API, then every line, decision, warning and the
 * close applied as they arrive; reloaded after a reconnect. Events that arrive while a fetch is in
 * flight are buffered and joined without doubles (merge.ts).
 */
import { useEffect, useState } from 'react';
import { api } from './api';
import { live } from './live';
import { appendDecisions, appendLines } from './merge';
import type { Decision, Session, SessionSummary, TranscriptLine, Warning } from './types';
import { appendWarnings } from './warnings';

export function useLiveSession(id: string): { session: Session | null; error: unknown } {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current: Session | null = null;
    let buffer: { lines: TranscriptLine[]; decisions: Decision[]; warnings: Warning[]; summary?: SessionSummary } | null = null;
    let loadSeq = 0;
    let disposed = false;
    const publish = (s: Session) => {
      current = s;
      setSession(s);
    };

    async function load() {
      const seq = ++loadSeq;
      buffer = { lines: [], decisions: [], warnings: [] };
      try {
        const fetched = await api.session(id);
        if (disposed || seq !== loadSeq || !buffer) return;
        const b = buffer;
        buffer = null;
        const merged: Session = {
          ...fetched,
          ...(b.summary && fetched.outcome === 'open' ? b.summary : {}),
          lines: appendLines(fetched.lines, b.lines),
          decisions: appendDecisions(fetched.decisions, b.decisions),
          warnings: appendWarnings(fetched.warnings ?? [], b.warnings),
        };
        setError(null);
        publish(merged);
      } catch (err) {
        if (disposed || seq !== loadSeq) return;
        buffer = null;
        setError(err);
      }
    }

    const off = live.onEvent((event) => {
      if (event.type === 'hello') {
        void load();
        return;
      }
      if (event.type === 'session.line' && event.data.sessionId === id) {
        if (buffer) buffer.lines.push(event.data.line);
        else if (current) publish({ ...current, lines: [...current.lines, event.data.line] });
      } else if (event.type === 'session.decision' && event.data.sessionId === id) {
        const d = event.data.decision;
        if (buffer) buffer.decisions.push(d);
        else if (current) {
          publish({
            ...current,
            decisions: [...current.decisions, d],
            rejection: d.verdict === 'reject' && d.reply ? { phase: d.phase, ruleId: d.ruleId, code: d.reply.code, enhanced: d.reply.enhanced } : current.rejection,
          });
        }
      } else if (event.type === 'session.warning' && event.data.sessionId === id) {
        if (buffer) buffer.warnings.push(event.data.warning);
        else if (current) publish({ ...current, warnings: appendWarnings(current.warnings, [event.data.warning]) });
      } else if ((event.type === 'session.closed' || event.type === 'session.opened') && event.data.session.id === id) {
        if (buffer) buffer.summary = event.data.session;
        else if (current && !(event.type === 'session.opened' && current.outcome !== 'open')) publish({ ...current, ...event.data.session });
      } else if (event.type === 'message.stored' && event.data.message.sessionId === id && current && !buffer) {
        const m = event.data.message;
        if (!current.messageIds.includes(m.id)) publish({ ...current, messageIds: [...current.messageIds, m.id], subject: m.subject ?? current.subject });
      }
    });
    void load();
    return () => {
      disposed = true;
      off();
    };
  }, [id]);

  return { session, error };
}
