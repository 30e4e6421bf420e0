/**
 * Gmail ends replies with a per-connection id such as `im3sm19207876wjb.13`; Bouncer's session
 * ids have the same shape, so the id in a reply is the id to look the session up by.
 */
import { randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const letters = (n: number) => Array.from({ length: n }, () => LETTERS[randomInt(26)]).join('');
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

export function newSessionId(): string {
  return `${letters(2)}${randomInt(10)}sm${digits(8)}${letters(3)}.${randomInt(1, 1000)}`;
}

export const SESSION_ID_PATTERN = /^[a-z]{2}\d+sm\d{8}[a-z]{3}\.\d+$/;
