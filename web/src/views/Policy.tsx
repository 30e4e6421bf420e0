import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import { Empty, ErrorNote } from '../components';
import { replyCode } from '../format';
import { useLive } from '../live';
import type { Listener, Profile, Rule } from '../types';

/** The order phases run in a session (server/src/policy/types.ts PHASES). */
const PHASE_ORDER = ['connect', 'command', 'helo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'message'];

export function PolicyView() {
  const { epoch } = useLive();
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  const [listeners, setListeners] = useState<Listener[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [p, l] = await Promise.all([api.profiles(), api.listeners()]);
      setProfiles(p);
      setListeners(l);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  // a reconnect may be a restarted server: runtime switches are gone, reload
  useEffect(() => {
    void load();
  }, [load, epoch]);

  if (!profiles || !listeners) return error ? <ErrorNote error={error} /> : <Empty>Loading…</Empty>;
  const current = profiles.find((p) => p.name === shown) ?? profiles.find((p) => p.name === listeners[0]?.profile) ?? profiles[0];

  async function switchListener(name: string, profile: string) {
    setBusy(`listener:${name}`);
    try {
      const updated = await api.setListenerProfile(name, profile);
      setListeners((ls) => ls?.map((l) => (l.name === name ? updated : l)) ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function toggle(profile: string, rule: Rule) {
    setBusy(`rule:${profile}/${rule.id}`);
    try {
      const updated = await api.setRuleEnabled(profile, rule.id, !rule.enabled);
      setProfiles(
        (ps) =>
          ps?.map((p) =>
            p.name !== profile
              ? p
              : { ...p, rules: Object.fromEntries(Object.entries(p.rules).map(([phase, rules]) => [phase, rules.map((r) => (r.id === rule.id ? { ...r, enabled: updated.enabled } : r))])) },
          ) ?? null,
      );
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="policy" data-testid="policy">
      {error ? <ErrorNote error={error} /> : null}
      <section>
        <h2>Listeners</h2>
        <p className="muted">Switching a profile applies to connections opened afterwards; open sessions keep theirs. A restart goes back to the config.</p>
        <table className="listeners">
          <thead>
            <tr>
              <th>listener</th>
              <th>address</th>
              <th>TLS</th>
              <th>profile</th>
            </tr>
          </thead>
          <tbody>
            {listeners.map((l) => (
              <tr key={l.name} data-testid="listener" data-listener={l.name}>
                <td>
                  <b>{l.name}</b>
                </td>
                <td className="mono">
                  {l.host}:{l.port}
                </td>
                <td>{l.tls}</td>
                <td>
                  <select
                    aria-label={`Profile of listener ${l.name}`}
                    value={l.profile}
                    disabled={busy === `listener:${l.name}`}
                    onChange={(e) => void switchListener(l.name, e.target.value)}
                  >
                    {profiles.map((p) => (
                      <option key={p.name} value={p.name}>
                        {p.name}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Profiles</h2>
        <div className="tabs" role="tablist" aria-label="Profiles">
          {profiles.map((p) => (
            <button key={p.name} type="button" role="tab" aria-selected={p.name === current?.name} onClick={() => setShown(p.name)}>
              {p.name}
              {listeners.some((l) => l.profile === p.name) ? <span className="in-use" title="used by a listener"> ●</span> : null}
            </button>
          ))}
        </div>
        {current ? <ProfileRules profile={current} busy={busy} onToggle={toggle} /> : null}
      </section>
    </div>
  );
}

function ProfileRules({ profile, busy, onToggle }: { profile: Profile; busy: string | null; onToggle: (profile: string, rule: Rule) => void }) {
  const phases = [...PHASE_ORDER.filter((p) => profile.rules[p]?.length), ...Object.keys(profile.rules).filter((p) => !PHASE_ORDER.includes(p) && profile.rules[p]!.length)];
  return (
    <div className="profile" data-testid="profile" data-profile={profile.name}>
      <p>
        {profile.description} <span className="muted">· answers as {profile.hostname}{profile.extends ? ` · extends ${profile.extends}` : ''}</span>
      </p>
      <p className="muted">In each phase the rules run in this order; the first that fires decides. Switches apply to sessions from the next command on.</p>
      {phases.map((phase) => (
        <div key={phase} className="phase">
          <h3>{phase}</h3>
          <ol className="rules">
            {profile.rules[phase]!.map((r) => (
              <li key={r.id} className={`rule${r.enabled ? '' : ' off'}`} data-testid="rule" data-rule-id={r.id} data-enabled={r.enabled}>
                <label className="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={r.enabled}
                    disabled={busy === `rule:${profile.name}/${r.id}`}
                    aria-label={`${r.id} in ${profile.name}`}
                    onChange={() => onToggle(profile.name, r)}
                  />
                  <span>{r.enabled ? 'on' : 'off'}</span>
                </label>
                <div className="rule-body">
                  <div>
                    <code className="rule-id">{r.id}</code>
                    {r.check !== r.id ? <span className="muted"> (check {r.check})</span> : null}
                  </div>
                  {r.warning !== undefined ? (
                    <div className="rule-warning" data-testid="rule-warning">
                      <span className="badge badge-warning">warning</span> {r.warning}
                    </div>
                  ) : null}
                  <div className="mono reply">
                    {r.warning !== undefined ? <span className="muted">Gmail would answer: </span> : null}
                    {replyCode(r.reply)} {r.reply.text.join(' ')}
                    {r.reply.close ? <span className="muted"> · closes</span> : null}
                  </div>
                  <div className="muted description">{r.description}</div>
                </div>
              </li>
            ))}
          </ol>
        </div>
      ))}
    </div>
  );
}
