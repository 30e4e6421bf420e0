/**
 * Turns a profile's reply template into a wire-ready reply: fills `{placeholders}`.
 * Unknown placeholders are left as written so a typo in a profile shows in the reply.
 */
import type { Reply, ReplyTemplate } from './types.js';

export type ReplyVars = Record<string, string | number | undefined>;

export function renderReply(template: ReplyTemplate, vars: ReplyVars): Reply {
  return {
    code: template.code,
    enhanced: template.enhanced,
    lines: template.text.map((line) => fill(line, vars)),
    close: template.close ?? false,
  };
}

export function fill(text: string, vars: ReplyVars): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => {
    const value = vars[key];
    return value === undefined ? whole : String(value);
  });
}

/**
 * RFC 5321 §4.2.1: every line but the last is `code-text`, the last `code text`. With an
 * enhanced code (RFC 2034 §3) it follows the code on every line.
 */
export function formatReply(reply: Reply): string[] {
  const last = reply.lines.length - 1;
  return reply.lines.map((line, i) => {
    const sep = i < last ? '-' : ' ';
    const enhanced = reply.enhanced ? `${reply.enhanced} ` : '';
    return `${reply.code}${sep}${enhanced}${line}`;
  });
}
