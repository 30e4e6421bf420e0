import { useLive } from '../live';
import { Link, type Route } from '../router';

const STATUS_TEXT = { connecting: 'connecting…', live: 'live', disconnected: 'disconnected — retrying' } as const;

export function Header({ route }: { route: Route }) {
  const { status, outcomes } = useLive();
  const total = outcomes ? outcomes.open + outcomes.accepted + outcomes.rejected + outcomes['no-mail'] : null;
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toLocaleString('en'));
  return (
    <header className="top">
      <Link href="/" className="brand">
        <img src="/favicon.svg" alt="" width="20" height="20" />
        Bouncer
      </Link>
      <nav aria-label="Views">
        <Link href="/" aria-current={route.view === 'sessions' ? 'page' : undefined}>
          Sessions
        </Link>
        <Link href="/messages" aria-current={route.view === 'messages' ? 'page' : undefined}>
          Messages
        </Link>
        <Link href="/policy" aria-current={route.view === 'policy' ? 'page' : undefined}>
          Policy
        </Link>
      </nav>
      <div className="counters" aria-label="Counters">
        <span className="counter">
          <b data-testid="count-sessions">{n(total)}</b> sessions
        </span>
        <span className="counter counter-accepted">
          <b data-testid="count-accepted">{n(outcomes?.accepted)}</b> accepted
        </span>
        <span className="counter counter-rejected">
          <b data-testid="count-rejected">{n(outcomes?.rejected)}</b> rejected
        </span>
      </div>
      <span className={`connection connection-${status}`} data-testid="connection-status" role="status" aria-live="polite">
        <span className="dot" aria-hidden="true" />
        {STATUS_TEXT[status]}
      </span>
    </header>
  );
}
