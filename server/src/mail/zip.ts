/**
 * The names of the files inside a ZIP archive, read from its central directory
 * (PKWARE APPNOTE.TXT §4.3.12–4.3.16) without extracting anything to disk. Archives inside
 * the archive are opened in memory (stored or deflated, bounded in size and depth), because
 * Gmail also blocks executables hidden one archive down (support.google.com/mail/answer/6590).
 */
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipLimits {
  /** Archives inside archives opened, counting the outer one (default 3). */
  maxDepth?: number;
  /** Entries read per archive (default 10,000). */
  maxEntries?: number;
  /** Largest nested archive inflated in memory (default 10 MB). */
  maxInflate?: number;
}

export function isZip(content: Buffer): boolean {
  return content.length >= 22 && content.readUInt32LE(0) === LOCAL;
}

/** Entry names, nested ones as `inner.zip/name`. An unreadable archive yields what was read. */
export function zipEntryNames(content: Buffer, limits: ZipLimits = {}, depth = 1): string[] {
  const maxDepth = limits.maxDepth ?? 3;
  const maxEntries = limits.maxEntries ?? 10_000;
  const maxInflate = limits.maxInflate ?? 10 * 1024 * 1024;
  const eocd = findEocd(content);
  if (eocd < 0) return [];
  const count = content.readUInt16LE(eocd + 10);
  let at = content.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count && i < maxEntries; i++) {
    if (at + 46 > content.length || content.readUInt32LE(at) !== CENTRAL) break;
    const flags = content.readUInt16LE(at + 8);
    const method = content.readUInt16LE(at + 10);
    const compressed = content.readUInt32LE(at + 20);
    const size = content.readUInt32LE(at + 24);
    const nameLength = content.readUInt16LE(at + 28);
    const extraLength = content.readUInt16LE(at + 30);
    const commentLength = content.readUInt16LE(at + 32);
    const localOffset = content.readUInt32LE(at + 42);
    const nameBytes = content.subarray(at + 46, at + 46 + nameLength);
    // general purpose bit 11: the name is UTF-8 (APPNOTE §4.4.4); else IBM 437, read as latin1
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    names.push(name);
    if (depth < maxDepth && /\.zip$/i.test(name) && size <= maxInflate && compressed <= maxInflate) {
      const inner = entryData(content, localOffset, method, compressed, maxInflate);
      if (inner && isZip(inner)) for (const n of zipEntryNames(inner, limits, depth + 1)) names.push(`${name}/${n}`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The End Of Central Directory record is in the last 22 + 65,535 bytes (the comment is at most 64 KB). */
function findEocd(content: Buffer): number {
  const stop = Math.max(0, content.length - 22 - 0xffff);
  for (let i = content.length - 22; i >= stop; i--) {
    if (content.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

function entryData(content: Buffer, offset: number, method: number, compressed: number, maxInflate: number): Buffer | undefined {
  if (offset + 30 > content.length || content.readUInt32LE(offset) !== LOCAL) return undefined;
  const start = offset + 30 + content.readUInt16LE(offset + 26) + content.readUInt16LE(offset + 28);
  const data = content.subarray(start, start + compressed);
  try {
    if (method === 0) return data;
    if (method === 8) return inflateRawSync(data, { maxOutputLength: maxInflate });
  } catch {
    return undefined;
  }
  return undefined;
}
