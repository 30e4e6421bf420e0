import { useEffect, useMemo, useRef, useState } from 'react';
import { annotate, isRedacted, isTlsStart, transcriptText } from '../annotate';
import { Empty, ErrorNote, OutcomeBadge, WarningBadge, WarningNote } from '../components';
import { copyText, downloadText } from '../download';
import { clock, duration, relative, replyCode } from '../format';
import { Link, messagePath } from '../router';
import type { Decision, TranscriptLine, Warning } from '../types';
import { useLiveSession } from '../useSession';

export function Transcript({ id }: { id: string }) {
  const { session, error } = useLiveSession(id);
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const articleRef = useRef<HTMLElement>(null);
  const annotated = useMemo(() => (session ? annotate(session) : null), [session]);

  // an open session streams in: stay at the bottom if the reader is there
  const lineCount = session?.lines.length ?? 0;
  const warningCount = session?.warnings.length ?? 0;
  const stick = useRef(true);
  useEffect(() => {
    const el = scrollRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lineCount, warningCount]);

  if (error && !session) return <ErrorNote error={error} />;
  if (!session || !annotated) return <Empty>Loading…</Empty>;

  const copy = () => {
    copyText(transcriptText(session)).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
    setTimeout(() => setCopied(null), 2000);
  };

  /** The header's list of warnings scrolls to each note. */
  const showWarning = (i: number) => {
    const note = articleRef.current?.querySelectorAll<HTMLElement>('[data-testid=warning]')[i];
    note?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };

  return (
    <article ref={articleRef} className="transcript" data-testid="transcript" data-session-id={session.id} data-outcome={session.outcome}>
      <div className="detail-head">
        <Link href="/" className="back">
          ← Sessions
        </Link>
        <h2>
          <span className="mono">{session.id}</span> <OutcomeBadge outcome={session.outcome} rejection={session.rejection} />
          <WarningBadge count={session.warnings.length} />
        </h2>
        <dl className="facts">
          <dt>client</dt>
          <dd>
            {session.clientAddress}:{session.clientPort}
            {session.claimedAddress ? ` (claims ${session.claimedAddress}${session.claimedName ? `, ${session.claimedName}` : ''})` : ''}
          </dd>
          <dt>{session.heloVerb ?? 'EHLO'}</dt>
          <dd>{session.heloName ?? '—'}</dd>
          <dt>listener</dt>
          <dd>
            {session.listener} · profile {session.profile}
          </dd>
          <dt>started</dt>
          <dd>
            {clock(session.startedAt)}
            {session.endedAt ? ` · ${duration(session.endedAt - session.startedAt)}` : ' · open'}
          </dd>
          <dt>TLS</dt>
          <dd>{session.tls ? 'yes' : 'no'}</dd>
          {session.user ? (
            <>
              <dt>user</dt>
              <dd>{session.user}</dd>
            </>
          ) : null}
          {session.messageIds.length ? (
            <>
              <dt>messages</dt>
              <dd>
                {session.messageIds.map((m, i) => (
                  <span key={m}>
                    {i ? ', ' : ''}
                    <Link href={messagePath(m)} className="mono">
                      {m}
                    </Link>
                  </span>
                ))}
              </dd>
            </>
          ) : null}
          {session.warnings.length ? (
            <>
              <dt>warnings</dt>
              <dd className="warning-list" data-testid="warning-list">
                {noteOrder(annotated).map((w, n) => (
                  <span key={n}>
                    {n ? ', ' : ''}
                    <button type="button" className="link-button mono" title={w.text} onClick={() => showWarning(n)}>
                      {w.ruleId}
                    </button>
                  </span>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
        <div className="actions">
          <button type="button" onClick={copy}>
            {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy as text'}
          </button>
          <button type="button" onClick={() => downloadText(`session-${session.id}.txt`, transcriptText(session))}>
            Download
          </button>
        </div>
      </div>
      <div
        className="lines"
        ref={scrollRef}
        data-testid="transcript-lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {annotated.lines.map((a, i) => (
          <LineRow key={i} line={a.line} decision={a.decision} noteAfter={a.noteAfter} warnings={a.warnings} />
        ))}
        {session.outcome === 'open' ? (
          <div className="line line-event streaming" data-testid="streaming">
            session open — new lines appear as they are sent
          </div>
        ) : null}
        {annotated.unplaced.map((d, i) => (
          <DecisionNote key={`u${i}`} d={d} />
        ))}
        {annotated.unplacedWarnings.map((w, i) => (
          <WarningNote key={`w${i}`} w={w} />
        ))}
      </div>
    </article>
  );
}

/** The warnings in the order their notes appear in the transcript. */
function noteOrder(a: ReturnType<typeof annotate>): Warning[] {
  return [...a.lines.flatMap((l) => l.warnings ?? []), ...a.unplacedWarnings];
}

function LineRow({ line, decision, noteAfter, warnings }: { line: TranscriptLine; decision?: Decision; noteAfter?: boolean; warnings?: Warning[] }) {
  const rejected = decision?.verdict === 'reject';
  const kind = line.dir === 'C' ? 'line-c' : line.dir === 'S' ? 'line-s' : 'line-event';
  const tls = isTlsStart(line);
  const redacted = isRedacted(line);
  return (
    <>
      <div
        className={`line ${kind}${rejected ? ' rejected' : ''}${decision && !rejected ? ' decided' : ''}${warnings?.length && !rejected ? ' warned' : ''}${tls ? ' tls' : ''}`}
        data-testid="line"
        data-dir={line.dir}
        data-rejected={rejected ? 'true' : undefined}
      >
        <span className="t">{relative(line.t)}</span>
        <span className="dir" title={line.dir === 'C' ? 'client' : line.dir === 'S' ? 'server' : 'event'}>
          {line.dir === '*' ? '*' : line.dir}
        </span>
        <span className="text">{line.text}</span>
        {redacted ? (
          <span className="tag tag-redacted" data-testid="redacted">
            credentials redacted
          </span>
        ) : null}
        {tls ? <span className="tag tag-tls">TLS from here on</span> : null}
      </div>
      {noteAfter && decision ? <DecisionNote d={decision} /> : null}
      {warnings?.map((w, i) => <WarningNote key={i} w={w} />)}
    </>
  );
}

function DecisionNote({ d }: { d: Decision }) {
  const rejected = d.verdict === 'reject';
  return (
    <aside className={`note ${rejected ? 'note-reject' : 'note-decided'}`} data-testid={rejected ? 'rejection' : 'decision'} data-rule-id={d.ruleId}>
      <div className="note-title">
        {rejected ? 'Rejected' : 'Decided'} by <code>{d.ruleId}</code> at {d.phase}
        {d.reply ? <span className="mono"> · {replyCode(d.reply)}</span> : null}
        {d.reply?.close ? ' · connection closed' : ''}
      </div>
      <p className="why">
        <b>Why</b> {d.why}
      </p>
      <p className="fix" data-testid="fix">
        <b>Fix</b> {d.fix}
      </p>
    </aside>
  );
}
