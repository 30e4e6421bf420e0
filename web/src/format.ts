import type { Address, Rejection } from './types';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `14:03:07`, with the date in front when it is not today. */
export function clock(epochMs: number, now = new Date()): string {
  const d = new Date(epochMs);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return today ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** Milliseconds since connect as `+1.234s` (`+83.0s` past a minute keeps one decimal). */
export function relative(ms: number): string {
  const s = ms / 1000;
  return `+${s < 60 ? s.toFixed(3) : s.toFixed(1)}s`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `504 5.5.2` */
export function replyCode(r: Pick<Rejection, 'code' | 'enhanced'>): string {
  return r.enhanced ? `${r.code} ${r.enhanced}` : String(r.code);
}

export function addresses(list: Address[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}
