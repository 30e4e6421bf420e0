/** Small shared pieces for rule files: verb lists from params, address parts. */
export function verbSet(params: Record<string, unknown>, fallback: readonly string[]): ReadonlySet<string> {
  return normalizedSet(params.commands, fallback, upper);
}

export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  if (at < 0) return { local: address, domain: '' };
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

/** All values of a header field (names are lower-cased in MessageFacts). */
export function headerValues(headers: ReadonlyArray<{ name: string; value: string }>, name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter((h) => h.name === n).map((h) => h.value);
}

const lower = (s: string): string => s.toLowerCase();
const upper = (s: string): string => s.toUpperCase();
const sets = new WeakMap<(s: string) => string, WeakMap<readonly unknown[], ReadonlySet<string>>>();

/**
 * A rule parameter's string list (or the fallback) as a Set of normalised (by default
 * lower-cased) strings, built once per list: a profile's params are loaded once and never
 * change, while the rules run for every message (issue 6: building these sets per message
 * was a measurable part of the message phase).
 */
export function normalizedSet(value: unknown, fallback: readonly string[], normalize: (s: string) => string = lower): ReadonlySet<string> {
  const list: readonly unknown[] = Array.isArray(value) ? value : fallback;
  let byList = sets.get(normalize);
  if (!byList) sets.set(normalize, (byList = new WeakMap()));
  let set = byList.get(list);
  if (!set) byList.set(list, (set = new Set(list.map((v) => normalize(String(v))))));
  return set;
}

/** A positive number from a rule parameter, or the fallback. */
export function numberParam(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
