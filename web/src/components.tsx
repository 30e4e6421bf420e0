import type { ReactNode } from 'react';
import { replyCode } from './format';
import type { Outcome, Rejection } from './types';

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
