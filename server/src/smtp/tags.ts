/**
 * Isolation tags (testing kit): parallel test workers sharing one Bouncer each mark their mail
 * with a tag, and scope every query, wait and scenario to it. A tag comes from
 *  - a recipient's subaddress (RFC 5233): `alice+w3@example.com` → `w3`;
 *  - an `X-Bouncer-Tag: w3` header field;
 *  - the AUTH username, for clients that can change neither: `w3`, or `alice+w3@example.com`.
 * Tags are lower-cased; anything that is not a short token is ignored (no tag).
 */

export const TAG_HEADER = 'x-bouncer-tag';
const TAG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function normalizeTag(value: string | undefined): string | undefined {
  const tag = value?.trim().toLowerCase();
  return tag && TAG.test(tag) ? tag : undefined;
}

/** `local+tag@domain` → `tag` (the first `+` starts it); no subaddress → undefined. */
export function tagOfAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const plus = local.indexOf('+');
  return plus < 0 ? undefined : normalizeTag(local.slice(plus + 1));
}

/** An AUTH username's tag: its subaddress when it is an address, else the whole name. */
export function tagOfUsername(username: string | undefined): string | undefined {
  if (!username) return undefined;
  return username.includes('@') ? tagOfAddress(username) : normalizeTag(username);
}

/** The first `X-Bouncer-Tag` header field (names as mailparser gives them, lower-cased). */
export function tagOfHeaders(headers: ReadonlyArray<{ name: string; value: string }>): string | undefined {
  const field = headers.find((h) => h.name.toLowerCase() === TAG_HEADER);
  return normalizeTag(field?.value);
}
