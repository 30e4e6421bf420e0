import { describe, expect, it } from 'vitest';
import { buildZip } from '../../../test/support/zip.js';
import { ruleTable } from './rule-table.fixture.js';
import { messageFacts, type RuleCase } from './context.fixture.js';
import { dangerousAttachment, extensionOf } from './message.dangerous-attachment.js';

const EXT = { extensions: ['.exe', '.js', '.vbs', 'bat', '.scr'] };
const attach = (...files: Array<[string, Buffer | string, string?]>) => ({
  message: messageFacts(undefined, {
    attachments: files.map(([filename, content, contentType]) => ({ filename, content: Buffer.isBuffer(content) ? content : Buffer.from(content), contentType: contentType ?? 'application/octet-stream' })),
  }),
});

const cases: RuleCase[] = [
  { name: 'a PDF', ctx: attach(['invoice.pdf', '%PDF-1.4']), params: EXT, fires: false },
  { name: 'no attachment', ctx: attach(), params: EXT, fires: false },
  { name: 'a .exe', ctx: attach(['setup.exe', 'MZ']), params: EXT, fires: true, vars: { filename: 'setup.exe', extension: '.exe' }, mentions: ['"setup.exe" is a .exe file'], fixMentions: ['download link'] },
  { name: 'upper case, trailing dot and space', ctx: attach(['RUN.BAT. ', '@echo']), params: EXT, fires: true, vars: { filename: 'RUN.BAT. ', extension: '.bat' }, mentions: ['.bat'] },
  { name: 'a double extension ends in .js', ctx: attach(['invoice.pdf.js', 'x']), params: EXT, fires: true, vars: { filename: 'invoice.pdf.js', extension: '.js' }, mentions: ['.js'] },
  { name: '.json is not .js', ctx: attach(['data.json', '{}']), params: EXT, fires: false },
  {
    name: 'a ZIP holding a .vbs',
    ctx: attach(['photos.zip', buildZip([{ name: 'a.jpg', content: 'x' }, { name: 'show.vbs', content: 'MsgBox 1', deflate: true }])]),
    params: EXT,
    fires: true,
    vars: { filename: 'photos.zip', extension: '.vbs' },
    mentions: ['"photos.zip" contains "show.vbs"'],
    fixMentions: ['archive'],
  },
  {
    name: 'a ZIP inside a ZIP holding a .scr',
    ctx: attach(['outer.zip', buildZip([{ name: 'inner.zip', content: buildZip([{ name: 'screen.scr', content: 'x' }]) }])]),
    params: EXT,
    fires: true,
    vars: { filename: 'outer.zip', extension: '.scr' },
    mentions: ['inner.zip/screen.scr'],
  },
  {
    name: 'a ZIP renamed .dat is still looked into (content sniffed)',
    ctx: attach(['data.dat', buildZip([{ name: 'x.exe', content: 'MZ' }])]),
    params: EXT,
    fires: true,
    vars: { filename: 'data.dat', extension: '.exe' },
    mentions: ['x.exe'],
  },
  { name: 'a harmless ZIP', ctx: attach(['docs.zip', buildZip([{ name: 'a.txt', content: 'x' }])]), params: EXT, fires: false },
  { name: 'a broken ZIP', ctx: attach(['broken.zip', 'PK\x03\x04 nothing else']), params: EXT, fires: false },
];

ruleTable(dangerousAttachment, ['message'], cases);

describe('extensionOf', () => {
  it.each([
    ['a.exe', '.exe'],
    ['dir/sub/A.Exe', '.exe'],
    ['C:\\temp\\x.bat', '.bat'],
    ['noext', ''],
    ['.bashrc', '.bashrc'],
    ['trailing.exe...', '.exe'],
  ])('%s → %s', (name, ext) => expect(extensionOf(name)).toBe(ext));
});
