import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { Empty, ErrorNote, StatusBadge, WarningNote } from '../components';
import { addresses, bytes, clock, replyCode } from '../format';
import { useListKeys } from '../keyboard';
import { live, useLive } from '../live';
import { buildPreview } from '../message-html';
import { Link, messagePath, navigate, sessionPath } from '../router';
import type { Message, MessageSummary, Session } from '../types';
import { acceptedHeadline, warningLabel, warningsForMessage } from '../warnings';

const ROW_HEIGHT = 58;
const PAGE = 200;

let savedQuery = { q: '', status: '' as '' | 'accepted' | 'rejected' };

/** The message list for a search, paged on demand, with new messages added live. */
function useMessageList(q: string, status: '' | 'accepted' | 'rejected') {
  const { epoch } = useLive();
  const [items, setItems] = useState<MessageSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api.messages({ q: q || undefined, status: status || undefined, limit: PAGE });
      if (mine !== seq.current) return;
      setItems(page.items);
      setTotal(page.total);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [q, status]);

  const loadMore = useCallback(async () => {
    const mine = seq.current;
    const have = itemsRef.current.length;
    const page = await api.messages({ q: q || undefined, status: status || undefined, limit: PAGE, offset: have });
    if (mine !== seq.current) return;
    setItems((prev) => {
      const seen = new Set(prev.map((m) => m.id));
      return [...prev, ...page.items.filter((m) => !seen.has(m.id))];
    });
    setTotal(page.total);
  }, [q, status]);

  useEffect(() => {
    void reload();
  }, [reload, epoch]);

  // new messages: shown at once when no search is active, else the search is re-run
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = live.onEvent((event) => {
      if (event.type !== 'message.stored') return;
      const m = event.data.message;
      if (!q) {
        if (status && m.status !== status) return;
        if (itemsRef.current.some((p) => p.id === m.id)) return;
        itemsRef.current = [m, ...itemsRef.current];
        setItems(itemsRef.current);
        setTotal((t) => t + 1);
      } else {
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), 300);
      }
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [q, status, reload]);

  return { items, total, loading, error, loadMore };
}

export function MessagesView({ messageId }: { messageId?: string }) {
  const [query, setQueryState] = useState(savedQuery);
  const setQuery = (v: typeof query) => {
    savedQuery = v;
    setQueryState(v);
  };
  const q = useDeferredValue(query.q.trim());
  const list = useMessageList(q, query.status);
  return (
    <div className={`split${messageId ? ' has-detail' : ''}`}>
      <section className="list-pane" aria-label="Messages">
        <div className="toolbar">
          <input
            type="search"
            data-search
            placeholder="Search from, to, subject, text   /"
            aria-label="Search messages"
            value={query.q}
            onChange={(e) => setQuery({ ...query, q: e.target.value })}
          />
          <select aria-label="Status" value={query.status} onChange={(e) => setQuery({ ...query, status: e.target.value as typeof query.status })}>
            <option value="">all messages</option>
            <option value="accepted">accepted</option>
            <option value="rejected">rejected</option>
          </select>
        </div>
        <div className="list-meta">
          {list.total.toLocaleString('en')} message{list.total === 1 ? '' : 's'}
          {list.loading ? ' · loading…' : ''}
        </div>
        {list.error ? <ErrorNote error={list.error} /> : null}
        {list.items.length === 0 ? (
          <Empty>{list.loading ? 'Loading…' : q || query.status ? 'No message matches.' : 'No messages yet.'}</Empty>
        ) : (
          <MessageList items={list.items} total={list.total} loadMore={list.loadMore} selectedId={messageId} />
        )}
      </section>
      <section className="detail-pane" aria-label="Message">
        {messageId ? <MessageDetail key={messageId} id={messageId} /> : <Empty>Select a message (j/k and Enter).</Empty>}
      </section>
    </div>
  );
}

function MessageList({ items, total, loadMore, selectedId }: { items: MessageSummary[]; total: number; loadMore: () => Promise<void>; selectedId?: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [cursorId, setCursorId] = useState<string | undefined>(selectedId);
  useEffect(() => {
    if (selectedId) setCursorId(selectedId);
  }, [selectedId]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (i) => items[i]!.id,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const last = virtualItems.at(-1)?.index ?? 0;
  const loadingMore = useRef(false);
  useEffect(() => {
    if (last < items.length - 20 || items.length >= total || loadingMore.current) return;
    loadingMore.current = true;
    loadMore().finally(() => {
      loadingMore.current = false;
    });
  }, [last, items.length, total, loadMore]);

  useListKeys({
    move(delta) {
      if (items.length === 0) return;
      const at = items.findIndex((m) => m.id === cursorId);
      const next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + delta));
      setCursorId(items[next]!.id);
      virtualizer.scrollToIndex(next, { align: 'auto' });
      if (selectedId) navigate(messagePath(items[next]!.id), { replace: true });
    },
    open() {
      if (cursorId) navigate(messagePath(cursorId));
    },
  });

  return (
    <div ref={scrollRef} className="list-scroll" data-testid="message-list">
      <div className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((item) => {
          const m = items[item.index]!;
          return (
            <Link
              key={m.id}
              href={messagePath(m.id)}
              className={`row${m.id === selectedId ? ' selected' : ''}${m.id === cursorId ? ' cursor' : ''}`}
              style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              data-testid="message-row"
              data-message-id={m.id}
              data-status={m.status}
            >
              <span className="row-line">
                <time className="row-time">{clock(m.receivedAt)}</time>
                <span className="row-from">{m.from.length ? addresses(m.from) : m.mailFrom || '<>'}</span>
                <span className="row-to">→ {m.rcptTo.join(', ')}</span>
              </span>
              <span className="row-line">
                <StatusBadge status={m.status} rejection={m.rejection} />
                <span className="row-subject">{m.subject ?? '(no subject)'}</span>
                {m.attachments.length ? (
                  <span className="row-attach">
                    {m.attachments.length} attachment{m.attachments.length === 1 ? '' : 's'}
                  </span>
                ) : null}
                <span className="row-size">{bytes(m.size)}</span>
              </span>
            </Link>
          );
        })}
      </div>
    </div>
  );
}

type Tab = 'html' | 'text' | 'headers' | 'raw' | 'attachments' | 'policy';

function MessageDetail({ id }: { id: string }) {
  const [message, setMessage] = useState<Message | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<Tab | null>(null);
  useEffect(() => {
    let gone = false;
    api.message(id).then(
      (m) => !gone && setMessage(m),
      (e) => !gone && setError(e),
    );
    return () => {
      gone = true;
    };
  }, [id]);
  if (error) return <ErrorNote error={error} />;
  if (!message) return <Empty>Loading…</Empty>;

  const current: Tab = tab ?? (message.html ? 'html' : 'text');
  const tabs: Array<[Tab, string]> = [
    ['html', 'HTML'],
    ['text', 'Text'],
    ['headers', 'Headers'],
    ['raw', 'Raw'],
    ['attachments', `Attachments (${message.attachments.length})`],
    ['policy', 'Policy'],
  ];
  return (
    <article className="message" data-testid="message" data-message-id={message.id} data-status={message.status}>
      <div className="detail-head">
        <Link href="/messages" className="back">
          ← Messages
        </Link>
        <h2>
          {message.subject ?? '(no subject)'} <StatusBadge status={message.status} rejection={message.rejection} />
        </h2>
        <dl className="facts">
          <dt>from</dt>
          <dd>{message.from.length ? addresses(message.from) : '—'} · MAIL FROM &lt;{message.mailFrom}&gt;</dd>
          <dt>to</dt>
          <dd>{message.to.length ? addresses(message.to) : '—'} · RCPT TO {message.rcptTo.map((r) => `<${r}>`).join(', ')}</dd>
          {message.cc.length ? (
            <>
              <dt>cc</dt>
              <dd>{addresses(message.cc)}</dd>
            </>
          ) : null}
          <dt>received</dt>
          <dd>
            {clock(message.receivedAt)} · {bytes(message.size)}
            {message.truncated ? ' · truncated at the size limit' : ''} · session{' '}
            <Link href={sessionPath(message.sessionId)} className="mono">
              {message.sessionId}
            </Link>
          </dd>
        </dl>
      </div>
      <div className="tabs" role="tablist">
        {tabs.map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={current === key} onClick={() => setTab(key)}>
            {label}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {current === 'html' ? <HtmlTab message={message} /> : null}
        {current === 'text' ? <pre className="body-text" data-testid="text-body">{message.text ?? '(no text part)'}</pre> : null}
        {current === 'headers' ? <HeadersTab message={message} /> : null}
        {current === 'raw' ? <RawTab id={message.id} /> : null}
        {current === 'attachments' ? <AttachmentsTab message={message} /> : null}
        {current === 'policy' ? <PolicyTab message={message} /> : null}
      </div>
    </article>
  );
}

function HtmlTab({ message }: { message: Message }) {
  const [remote, setRemote] = useState(false);
  const preview = useMemo(() => (message.html ? buildPreview(message.html, remote) : null), [message.html, remote]);
  if (!preview) return <Empty>This message has no HTML part.</Empty>;
  return (
    <div className="html-tab">
      <div className="html-bar">
        <button type="button" data-testid="remote-images-toggle" aria-pressed={remote} onClick={() => setRemote(!remote)}>
          {remote ? 'Remote images on — turn off' : 'Remote images off — show them'}
        </button>
        <span className="muted" data-testid="remote-status">
          {remote ? 'remote images are loaded from their servers' : preview.blockedRemote ? `${preview.blockedRemote} remote resource${preview.blockedRemote === 1 ? '' : 's'} blocked` : 'no remote resources'}
        </span>
      </div>
      {/* sandbox without allow-scripts or allow-same-origin: see message-html.ts */}
      <iframe className="html-frame" title="Message HTML" sandbox="" referrerPolicy="no-referrer" srcDoc={preview.srcdoc} data-testid="html-frame" />
    </div>
  );
}

function HeadersTab({ message }: { message: Message }) {
  return (
    <table className="headers" data-testid="headers">
      <tbody>
        {message.headers.map((h, i) => (
          <tr key={i}>
            <th>{h.name}</th>
            <td>{h.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RawTab({ id }: { id: string }) {
  const [raw, setRaw] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.raw(id).then(setRaw, setError);
  }, [id]);
  if (error) return <ErrorNote error={error} />;
  return (
    <div>
      <div className="html-bar">
        <a href={api.rawUrl(id)} download className="button">
          Download .eml
        </a>
      </div>
      <pre className="raw" data-testid="raw">{raw ?? 'Loading…'}</pre>
    </div>
  );
}

function AttachmentsTab({ message }: { message: Message }) {
  if (message.attachments.length === 0) return <Empty>No attachments.</Empty>;
  return (
    <ul className="attachments" data-testid="attachments">
      {message.attachments.map((a) => (
        <li key={a.index}>
          <a href={api.attachmentUrl(message.id, a.index)} download data-testid="attachment-link" className="button">
            Download
          </a>{' '}
          <span className="mono" title="the name as sent; the download gets a sanitised name">
            {a.filename || `attachment-${a.index}`}
          </span>{' '}
          <span className="muted">
            {a.contentType} · {bytes(a.size)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function PolicyTab({ message }: { message: Message }) {
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    api.session(message.sessionId).then(setSession, () => undefined);
  }, [message.sessionId]);
  const r = message.rejection;
  const decision = r && session?.decisions.find((d) => d.ruleId === r.ruleId && d.phase === r.phase);
  const warnings = warningsForMessage(session?.warnings, message.id);
  return (
    <div className="policy-outcome" data-testid="policy-outcome">
      {r ? (
        <aside className="note note-reject">
          <div className="note-title">
            Rejected by <code>{r.ruleId}</code> at {r.phase} · <span className="mono">{replyCode(r)}</span>
          </div>
          <pre className="reply">{r.text.map((t) => `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${t}`).join('\n')}</pre>
          {decision ? (
            <>
              <p className="why">
                <b>Why</b> {decision.why}
              </p>
              <p className="fix">
                <b>Fix</b> {decision.fix}
              </p>
            </>
          ) : null}
          <p className="muted">Rejected messages are kept so you can see what was sent.</p>
        </aside>
      ) : (
        <aside className={`note ${warnings.length ? 'note-accepted-warned' : 'note-accepted'}`} data-testid="policy-headline">
          <div className="note-title">{acceptedHeadline(warnings)}</div>
          <p>
            No rule of profile <b>{session?.profile ?? '…'}</b> refused this message
            {warnings.length ? `, but ${warningLabel(warnings.length)} say${warnings.length === 1 ? 's' : ''} what Gmail would hold against it:` : '.'}
          </p>
        </aside>
      )}
      {warnings.map((w, i) => (
        <WarningNote key={i} w={w} />
      ))}
      <p>
        <Link href={sessionPath(message.sessionId)}>Open the session transcript</Link>
      </p>
    </div>
  );
}
