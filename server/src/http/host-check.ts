/**
 * DNS-rebinding guard. A page on evil.example can re-point its name at 127.0.0.1; the browser
 * then sends `Host: evil.example` (and a matching Origin) to Bouncer, so an Origin check alone
 * does not stop it from reading the API. Only Host names Bouncer is known by are served.
 */
import net from 'node:net';

const ALWAYS = ['localhost', '127.0.0.1', '::1'];

/** The host name of a Host header (`[::1]:8025` → `::1`, `Example.com:80` → `example.com`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.replace(/:\d+$/, '');
}

/**
 * Allowed: loopback names and addresses, `*.localhost`, and the configured names (`*` allows
 * any Host, for a deliberately exposed server). A request without Host (HTTP/1.0) is allowed.
 */
export function isHostAllowed(header: string | undefined, allowed: readonly string[] = []): boolean {
  if (header === undefined) return true;
  if (allowed.includes('*')) return true;
  const name = hostName(header);
  if (ALWAYS.includes(name) || name.endsWith('.localhost')) return true;
  if (net.isIPv4(name) && name.startsWith('127.')) return true;
  return allowed.some((a) => hostName(a) === name);
}
