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
