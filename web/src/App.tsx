import { useEffect } from 'react';
import { Empty } from './components';
import { installKeyboard } from './keyboard';
import { live } from './live';
import { Link, parseRoute, usePath } from './router';
import { Header } from './views/Header';
import { MessagesView } from './views/Messages';
import { PolicyView } from './views/Policy';
import { SessionsView } from './views/Sessions';

export function App() {
  const route = parseRoute(usePath());
  useEffect(() => {
    live.start();
    return installKeyboard();
  }, []);
  return (
    <div className="app">
      <Header route={route} />
      <main>
        {route.view === 'sessions' ? <SessionsView sessionId={route.sessionId} /> : null}
        {route.view === 'messages' ? <MessagesView messageId={route.messageId} /> : null}
        {route.view === 'policy' ? <PolicyView /> : null}
        {route.view === 'not-found' ? (
          <Empty>
            Nothing here. <Link href="/">Back to the sessions</Link>
          </Empty>
        ) : null}
      </main>
    </div>
  );
}
