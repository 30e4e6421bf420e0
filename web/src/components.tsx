import type { ReactNode } from 'react';
import { replyCode } from './format';
import type { Outcome, Rejection, Warning } from './types';
import { warningLabel, wireReply } from './warnings';

/** accepted · rejected `504 5.5.2` at `helo` · open · no mail */
export function OutcomeBadge({ outcome, rejection }: { outcome: Outcome; rejection?: Rejection }) {
  if (outcome === 'rejected' && rejection) {
    return (
      <span className="badge badge-rejected" data-testid="outcome-badge" title={`rejected by ${rejection.ruleId}`}>
        <span className="badge-label">rejected</span> <span className="badge-code">{replyCode(rejection)}</span>{' '}
        <span className="badge-phase">at {rejection.phase}</span>
      </span>
    );
  }
  const label = outcome === 'no-mail' ? 'no mail' : outcome;
  return (
    <span className={`badge badge-${outcome}`} data-testid="outcome-badge">
      {label}
    </span>
  );
}

export function StatusBadge({ status, rejection }: { status: 'accepted' | 'rejected'; rejection?: Rejection }) {
  return status === 'rejected' ? (
    <span className="badge badge-rejected" data-testid="status-badge">
      rejected{rejection ? ` ${replyCode(rejection)}` : ''}
    </span>
  ) : (
    <span className="badge badge-accepted" data-testid="status-badge">
      accepted
    </span>
  );
}

/** `2 warnings`, amber; nothing when there are none. */
export function WarningBadge({ count, title }: { count: number | undefined; title?: string }) {
  if (!count) return null;
  return (
    <span className="badge badge-warning" data-testid="warning-badge" title={title ?? 'what Gmail would hold against the sender without refusing'}>
      {warningLabel(count)}
    </span>
  );
}

/** One warning: what Gmail would do, why, the fix, and the reply Gmail would give. Amber, never red. */
export function WarningNote({ w }: { w: Warning }) {
  return (
    <aside className="note note-warning" data-testid="warning" data-rule-id={w.ruleId} data-message-id={w.messageId}>
      <div className="note-title">
        Warning from <code>{w.ruleId}</code> at {w.phase}
        {w.reply ? <span className="mono"> · Gmail: {replyCode(w.reply)}</span> : null}
      </div>
      <p className="warning-text" data-testid="warning-text">
        {w.text}
      </p>
      <p className="why">
        <b>Why</b> {w.why}
      </p>
      <p className="fix" data-testid="fix">
        <b>Fix</b> {w.fix}
      </p>
      {w.reply ? (
        <div className="gmail-reply">
          <span className="muted">Gmail would answer</span>
          <pre className="reply mono" data-testid="warning-reply">
            {wireReply(w.reply).join('\n')}
          </pre>
        </div>
      ) : null}
    </aside>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorNote({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-note" role="alert">
      {message}
    </div>
  );
}
