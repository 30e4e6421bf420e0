/** Header names as RFC 5322 / RFC 2045 spell them, for replies and explanations. */
const SPECIAL: Record<string, string> = {
  'message-id': 'Message-ID',
  'mime-version': 'MIME-Version',
  'content-id': 'Content-ID',
  'dkim-signature': 'DKIM-Signature',
  'arc-seal': 'ARC-Seal',
};

export function displayHeaderName(lower: string): string {
  return SPECIAL[lower] ?? lower.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}
