import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { Empty, OutcomeBadge, WarningBadge } from '../components';
import { filterSessions, type SessionFilter } from '../filter';
import { clock } from '../format';
import { useListKeys } from '../keyboard';
import { useLive } from '../live';
import { Link, navigate, sessionPath } from '../router';
import { OUTCOMES, type SessionSummary } from '../types';
import { Transcript } from './Transcript';

const ROW_HEIGHT = 58;

/** Kept across visits to the view (module state, not in the URL). */
let savedFilter: SessionFilter = { outcome: '', listener: '', q: '' };

export function SessionsView({ sessionId }: { sessionId?: string }) {
  const snap = useLive();
  const [filter, setFilterState] = useState<SessionFilter>(savedFilter);
  const setFilter = (f: SessionFilter) => {
    savedFilter = f;
    setFilterState(f);
  };
  const q = useDeferredValue(filter.q);
  const sessions = useMemo(() => filterSessions(snap.sessions, { ...filter, q }), [snap.sessions, filter.outcome, filter.listener, q]);

  const [listenerNames, setListenerNames] = useState<string[]>([]);
  useEffect(() => {
    api.listeners().then(
      (ls) => setListenerNames(ls.map((l) => l.name)),
      () => undefined,
    );
  }, [snap.epoch]);
  const listenerOptions = useMemo(() => {
    const names = new Set(listenerNames);
    if (filter.listener) names.add(filter.listener);
    return [...names].sort();
  }, [listenerNames, filter.listener]);

  const filtered = sessions.length !== snap.sessions.length;
  return (
    <div className={`split${sessionId ? ' has-detail' : ''}`}>
      <section className="list-pane" aria-label="Sessions">
        <div className="toolbar">
          <input
            type="search"
            data-search
            placeholder="Search sessions   /"
            aria-label="Search sessions"
            value={filter.q}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })}
          />
          <select aria-label="Outcome" value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value as SessionFilter['outcome'] })}>
            <option value="">all outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o === 'no-mail' ? 'no mail' : o}
              </option>
            ))}
          </select>
          <select aria-label="Listener" value={filter.listener} onChange={(e) => setFilter({ ...filter, listener: e.target.value })}>
            <option value="">all listeners</option>
            {listenerOptions.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="list-meta" data-testid="list-meta">
          {filtered ? `${sessions.length.toLocaleString('en')} of ${snap.sessions.length.toLocaleString('en')} sessions` : `${snap.sessions.length.toLocaleString('en')} sessions`}
          {snap.loading ? ' · loading…' : ''}
          {snap.notLoaded > 0 ? ` · ${snap.notLoaded.toLocaleString('en')} older not loaded` : ''}
        </div>
        {sessions.length === 0 ? (
          <Empty>
            {snap.loading ? 'Loading…' : filtered ? 'No session matches.' : 'No sessions yet. Point an app at the SMTP port: sessions show up here as they happen.'}
          </Empty>
        ) : (
          <SessionList sessions={sessions} selectedId={sessionId} />
        )}
      </section>
      <section className="detail-pane" aria-label="Transcript">
        {sessionId ? <Transcript key={sessionId} id={sessionId} /> : <Empty>Select a session (j/k and Enter) to see its transcript.</Empty>}
      </section>
    </div>
  );
}

function SessionList({ sessions, selectedId }: { sessions: readonly SessionSummary[]; selectedId?: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursorId, setCursorId] = useState<string | undefined>(selectedId);
  useEffect(() => {
    if (selectedId) setCursorId(selectedId);
  }, [selectedId]);

  const virtualizer = useVirtualizer({
    count: sessions.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (i) => sessions[i]!.id,
  });

  useListKeys({
    move(delta) {
      if (sessions.length === 0) return;
      const at = sessions.findIndex((s) => s.id === cursorId);
      const next = at < 0 ? 0 : Math.min(sessions.length - 1, Math.max(0, at + delta));
      const id = sessions[next]!.id;
      setCursorId(id);
      virtualizer.scrollToIndex(next, { align: 'auto' });
      // with a transcript open, moving shows the next one right away
      if (selectedId) navigate(sessionPath(id), { replace: true });
    },
    open() {
      if (cursorId) navigate(sessionPath(cursorId));
    },
  });

  return (
    <div ref={scrollRef} className="list-scroll" data-testid="session-list">
      <div className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const s = sessions[item.index]!;
          return (
            <SessionRow
              key={s.id}
              s={s}
              selected={s.id === selectedId}
              cursor={s.id === cursorId}
              top={item.start}
            />
          );
        })}
      </div>
    </div>
  );
}

function SessionRow({ s, selected, cursor, top }: { s: SessionSummary; selected: boolean; cursor: boolean; top: number }) {
  return (
    <Link
      href={sessionPath(s.id)}
      className={`row${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)` }}
      data-testid="session-row"
      data-session-id={s.id}
      data-outcome={s.outcome}
      data-warnings={s.warningCount || undefined}
      aria-current={selected ? 'true' : undefined}
    >
      <span className="row-line">
        <time className="row-time" dateTime={new Date(s.startedAt).toISOString()}>
          {clock(s.startedAt)}
        </time>
        <span className="row-client" title={`client ${s.clientAddress}:${s.clientPort}`}>
          {s.clientAddress}
          {s.claimedAddress ? <span className="claimed"> as {s.claimedAddress}</span> : null}
        </span>
        <span className="row-helo" title="EHLO name">
          {s.heloName ? `${s.heloVerb ?? 'EHLO'} ${s.heloName}` : '—'}
        </span>
        <span className="row-listener">
          {s.listener}/{s.profile}
        </span>
      </span>
      <span className="row-line">
        <OutcomeBadge outcome={s.outcome} rejection={s.rejection} />
        {s.outcome === 'rejected' && s.rejection ? <span className="row-rule">{s.rejection.ruleId}</span> : null}
        <WarningBadge count={s.warningCount} />
        <span className="row-subject">{s.subject ?? ''}</span>
      </span>
    </Link>
  );
}
