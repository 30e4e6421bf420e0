import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, WELL_FORMED_HEADERS, type RuleCase } from './context.fixture.js';
import { noMessageId, validMessageId } from './message.no-message-id.js';
import { describe, expect, it } from 'vitest';

const without = WELL_FORMED_HEADERS.filter((h) => !h.startsWith('Message-ID'));
const withId = (id: string) => ({ message: messageFacts([...without, `Message-ID: ${id}`]) });

const cases: RuleCase[] = [
  { name: 'a valid Message-ID', ctx: withId('<m1@example.com>'), fires: false },
  { name: 'an address-literal right side', ctx: withId('<1.2@[192.0.2.1]>'), fires: false },
  { name: 'a comment after it (CFWS)', ctx: withId('<m1@example.com> (generated)'), fires: false },
  { name: 'a message the parser rejected (message.malformed’s business)', ctx: { message: messageFacts(without, { parseError: 'bad' }) }, fires: false },
  { name: 'no Message-ID header', ctx: { message: messageFacts(without) }, fires: true, mentions: ['no Message-ID header'], fixMentions: ['<random-id@your-domain.example>'] },
  { name: 'no angle brackets (PHPMailer#587)', ctx: withId('94f4e3edc9e34a098190862079df6959'), fires: true, mentions: ['"94f4e3edc9e34a098190862079df6959"', 'RFC 5322 §3.6.4'] },
  { name: 'no @', ctx: withId('<abc.example.com>'), fires: true, mentions: ['<abc.example.com>'] },
  { name: 'an empty value', ctx: withId(''), fires: true, mentions: ['""'] },
  { name: 'two @', ctx: withId('<a@b@example.com>'), fires: true, mentions: ['<a@b@example.com>'] },
  { name: 'a space inside', ctx: withId('<a b@example.com>'), fires: true, mentions: ['<a b@example.com>'] },
];

ruleTable(noMessageId, ['message'], cases);

describe('validMessageId', () => {
  it.each([
    ['<CAF=abc+def@mail.gmail.com>', true],
    ['<20240101.1234@localhost>', true],
    ['<x@y>', true],
    ['x@y', false],
    ['<x@>', false],
    ['<@y>', false],
  ])('%s → %s', (id, ok) => expect(validMessageId(id)).toBe(ok));
});
