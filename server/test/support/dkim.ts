/**
 * DKIM keys and signed messages for tests: a real RSA key pair generated in the test, the
 * public key as the TXT record a domain publishes (RFC 6376 §3.6.1), and messages signed by
 * nodemailer's DKIM signer.
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface DkimKey {
  privateKey: string;
  /** The TXT record value: `v=DKIM1; k=rsa; p=<base64 SPKI>`. */
  txt: string;
  bits: number;
}

export function dkimKey(bits = 2048): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt: `v=DKIM1; k=rsa; p=${p}`, bits };
}

/** The message nodemailer would send, signed with d=<domain> s=<selector>, as raw bytes. */
export async function signedMessage(mail: Mail.Options, dkim: { domain: string; selector: string; key: DkimKey }): Promise<Buffer> {
  const t = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: dkim.domain, keySelector: dkim.selector, privateKey: dkim.key.privateKey },
  });
  const info = await t.sendMail(mail);
  return info.message as Buffer;
}

/** An unsigned message as nodemailer would send it. */
export async function plainMessage(mail: Mail.Options): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return (await t.sendMail(mail)).message as Buffer;
}
