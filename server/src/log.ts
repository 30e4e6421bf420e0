/**
 * The server's logger: pino, one JSON object per line on stderr (what log shippers and
 * `docker logs` want), or pino-pretty's readable lines when stderr is a terminal. Pretty
 * printing runs in this thread and writes synchronously: it is for a developer watching,
 * not for throughput.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { isatty } from 'node:tty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat = 'auto', fd = 2): Logger {
  const tty = isatty(fd);
  const usePretty = format === 'pretty' || (format === 'auto' && tty);
  if (usePretty) {
    return pino({ level }, pretty({ destination: fd, sync: true, colorize: tty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ fd, sync: true }));
}
