/** Small shared pieces for rule files: verb lists from params, address parts. */
export function verbList(params: Record<string, unknown>, fallback: string[]): string[] {
  const list = params.commands;
  return Array.isArray(list) ? list.map((v) => String(v).toUpperCase()) : fallback;
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

/** A string list from a rule parameter, or the fallback. */
export function stringList(value: unknown, fallback: readonly string[]): string[] {
  return Array.isArray(value) ? value.map((v) => String(v)) : [...fallback];
}

/** A positive number from a rule parameter, or the fallback. */
export function numberParam(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
