/**
 * Turns a received message into the stored record's parsed fields with mailparser
 * (3.9.31, pinned). A message mailparser cannot read keeps its raw source and a parseError.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressValue, Attachment, MessageRecord } from '../store/types.js';
import { headerValue } from './headers.js';

export type ParsedFields = Pick<MessageRecord, 'subject' | 'from' | 'to' | 'cc' | 'date' | 'messageIdHeader' | 'text' | 'html' | 'headers' | 'attachments' | 'parseError'> & {
  attachmentBodies: Attachment[];
};

function addresses(value: AddressObject | AddressObject[] | undefined): AddressValue[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((obj) => obj.value.flatMap(function flat(a): AddressValue[] {
    if (a.group) return a.group.flatMap(flat);
    return [{ name: a.name ?? '', address: a.address ?? '' }];
  }));
}

/** simpleParser's options: no link or HTML conversion, only what the record keeps. */
export const PARSER_OPTIONS = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true } as const;

/** The part of mailparser's result the record is built from (what a parse worker sends back). */
export type ParsedMailSubset = Pick<ParsedMail, 'subject' | 'from' | 'to' | 'cc' | 'date' | 'messageId' | 'text' | 'html' | 'headerLines'> & {
  attachments: Array<{ filename?: string; contentType: string; size?: number; content: Uint8Array }>;
};

export async function parseMessage(raw: Buffer): Promise<ParsedFields> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    return parseFailure((err as Error).message);
  }
  return fieldsFromParsed(parsed);
}

export function parseFailure(message: string): ParsedFields {
  return { from: [], to: [], cc: [], headers: [], attachments: [], attachmentBodies: [], parseError: message };
}

/** mailparser's result → the record's parsed fields. */
export function fieldsFromParsed(parsed: ParsedMailSubset): ParsedFields {
  const attachmentBodies: Attachment[] = parsed.attachments.map((a, index) => {
    const content = Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
    return {
      index,
      filename: a.filename ?? '',
      contentType: a.contentType || 'application/octet-stream',
      size: a.size ?? content.length,
      content,
    };
  });
  return {
    subject: parsed.subject,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined,
    messageIdHeader: parsed.messageId,
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    headers: parsed.headerLines.map((h) => ({ name: h.key, value: headerValue(h.line) })),
    attachments: attachmentBodies.map(({ content: _content, ...meta }) => meta),
    attachmentBodies,
  };
}
