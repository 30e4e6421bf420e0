/**
 * Turns a received message into the stored record's parsed fields with mailparser
 * (3.9.31, pinned). A message mailparser cannot read keeps its raw source and a parseError.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressValue, Attachment, MessageRecord } from '../store/types.js';

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

/** RFC 5322 §2.2.3: unfold a header line and drop the name. */
function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]/g, ' ').trim();
}

export async function parseMessage(raw: Buffer): Promise<ParsedFields> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    return { from: [], to: [], cc: [], headers: [], attachments: [], attachmentBodies: [], parseError: (err as Error).message };
  }
  const attachmentBodies: Attachment[] = parsed.attachments.map((a, index) => ({
    index,
    filename: a.filename ?? '',
    contentType: a.contentType || 'application/octet-stream',
    size: a.size ?? a.content.length,
    content: a.content,
  }));
  return {
    subject: parsed.subject,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : undefined,
    messageIdHeader: parsed.messageId,
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    headers: parsed.headerLines.map((h) => ({ name: h.key, value: headerValue(h.line) })),
    attachments: attachmentBodies.map(({ content: _content, ...meta }) => meta),
    attachmentBodies,
  };
}
