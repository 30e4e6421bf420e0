/**
 * Every setting Bouncer has, with its default, in one zod schema. The YAML file, BOUNCER_*
 * variables and flags are merged into one object and validated here once, at start-up.
 */
import { z } from 'zod';

const port = z.number({ error: 'a port is a number from 0 to 65535 (0 picks a free one)' }).int().min(0).max(65535);

const recordValues = z.union([z.array(z.string()), z.literal('SERVFAIL')]);

/**
 * How long a commit under load waits for the messages of transactions in progress. Longer
 * waits fill commits (~0.4 ms each here) but every reply waits with them. 3 ms against 5 ms,
 * four alternating benchmark pairs (docs/benchmarks.md): p99 end-of-DATA→250 with reused
 * connections 18–20 ms against 19–30 ms, with a new connection per message 12–13 against
 * 15–16 ms; messages a second within 3%.
 */
export const DEFAULT_SIBLING_WAIT_MS = 3;

export const listenerSchema = z
  .object({
    /** Used in the API, the banner and by --<name>-port flags. */
    name: z.string().regex(/^[a-z0-9-]+$/, 'listener names are lower-case letters, digits and hyphens'),
    port,
    /** Defaults to the top-level host. */
    host: z.string().optional(),
    profile: z.string(),
    tls: z.enum(['none', 'starttls', 'implicit']).default('none'),
  })
  .strict();

export const DEFAULT_LISTENERS: z.input<typeof listenerSchema>[] = [
  { name: 'smtp', port: 1025, profile: 'gmail-mx', tls: 'none' },
  { name: 'submission', port: 1587, profile: 'gmail-submission', tls: 'starttls' },
  { name: 'smtps', port: 1465, profile: 'gmail-submission', tls: 'implicit' },
];

export const configSchema = z
  .object({
    /** Bind address of every listener and the HTTP server; loopback unless you mean otherwise. */
    host: z.string().default('127.0.0.1'),
    listeners: z
      .array(listenerSchema)
      .min(1)
      .default(DEFAULT_LISTENERS as z.infer<typeof listenerSchema>[])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((l, i) => {
          if (seen.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate listener name "${l.name}"` });
          seen.add(l.name);
        });
      }),
    http: z
      .object({
        port: port.default(8025),
        host: z.string().optional(),
        /** Origins allowed to open the WebSocket besides the server's own (e.g. a dev UI). */
        allowedOrigins: z.array(z.string().url()).default([]),
        /**
         * Host names the API answers to besides loopback (DNS-rebinding guard); needed when
         * Bouncer is reached by another name, e.g. bound to 0.0.0.0 in a container. `*`: any.
         */
        allowedHosts: z.array(z.string()).default([]),
        /**
         * When set, the API, /metrics and the WebSocket require it (Authorization: Bearer, or
         * ?token= once in a browser, which sets a cookie); /api/v1/health stays open.
         */
        uiToken: z.string().min(1).optional(),
      })
      .strict()
      .default({ port: 8025, allowedOrigins: [], allowedHosts: [] }),
    store: z
      .object({
        kind: z.enum(['sqlite', 'memory']).default('sqlite'),
        path: z.string().default('./data/bouncer.sqlite'),
        retention: z
          .object({ sessions: z.number().int().positive().default(10_000), messages: z.number().int().positive().default(10_000) })
          .strict()
          .default({ sessions: 10_000, messages: 10_000 }),
        /** Group commit: writes wait this long for company (0: the end of the event-loop turn). */
        commitDelayMs: z.number().int().min(0).max(1000).default(0),
        /** Group commit: how long a commit may wait for the messages of other sessions' transactions (MAIL FROM to end of DATA). */
        siblingWaitMs: z.number().int().min(0).max(1000).default(DEFAULT_SIBLING_WAIT_MS),
        /** Worker threads parsing messages for display after the reply (0: the main thread). */
        parseWorkers: z.number().int().min(0).max(16).default(1),
        /** SQLite: checkpoint the WAL in a thread of its own, not inside the SMTP path's commits. */
        checkpointThread: z.boolean().default(true),
      })
      .strict()
      .default({ kind: 'sqlite', path: './data/bouncer.sqlite', retention: { sessions: 10_000, messages: 10_000 }, commitDelayMs: 0, siblingWaitMs: DEFAULT_SIBLING_WAIT_MS, parseWorkers: 1, checkpointThread: true }),
    /** Extra profile directories; a profile there replaces a built-in one of the same name. */
    profileDirs: z.array(z.string()).default([]),
    dns: z
      .object({
        /**
         * The identity of connections from loopback: 127.0.0.1 and ::1 get this PTR name and it
         * resolves back to them (a well-configured sender). null: loopback has no PTR.
         */
        loopbackName: z.string().nullable().default('sender.bouncer.test'),
        /** Records per owner name (or IP address, for PTRs): A, AAAA, PTR, MX, TXT; a type may be SERVFAIL. */
        records: z.record(z.string(), z.object({ A: recordValues, AAAA: recordValues, PTR: recordValues, MX: recordValues, TXT: recordValues }).partial().strict()).default({}),
        /**
         * Sender domains the world has no records for (at, below or above the domain): `none`
         * judges their SPF/DKIM/DMARC `none` and only warns with what Gmail would answer;
         * `fail` lets the authentication rules reject them as Gmail would (550 5.7.26).
         */
        undeclared: z.enum(['none', 'fail']).default('none'),
      })
      .strict()
      .default({ loopbackName: 'sender.bouncer.test', records: {}, undeclared: 'none' }),
    senders: z
      .object({
        /** Bulk senders (Gmail: about 5,000+ messages a day): these domains and their subdomains meet the bulk rules (5.7.27/30/32/40). */
        bulk: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ bulk: [] }),
    /** Recipient domains whose mailboxes are known; other local parts get 550 5.1.1. */
    mailboxes: z.record(z.string(), z.array(z.string())).default({}),
    auth: z
      .object({
        /** Submission accounts. Empty: any user name and password are accepted. */
        users: z
          .array(z.object({ username: z.string().min(1), password: z.string().min(1), appPassword: z.string().min(1).optional() }).strict())
          .default([]),
      })
      .strict()
      .default({ users: [] }),
    smtp: z
      .object({
        /** Connections per listener; beyond it clients get the profile's server-busy reply. */
        maxConnections: z.number().int().positive().default(100),
        /** Peers allowed to claim another identity with XCLIENT. */
        xclientFrom: z.array(z.string()).default(['127.0.0.1', '::1']),
      })
      .strict()
      .default({ maxConnections: 100, xclientFrom: ['127.0.0.1', '::1'] }),
    tls: z
      .object({ keyFile: z.string().optional(), certFile: z.string().optional() })
      .strict()
      .refine((t) => !!t.keyFile === !!t.certFile, { message: 'keyFile and certFile go together' })
      .default({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** auto: pretty lines when stderr is a terminal, JSON lines otherwise. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .default({ level: 'info', format: 'auto' }),
  })
  .strict();

export type BouncerConfig = z.infer<typeof configSchema>;
export type BouncerConfigInput = z.input<typeof configSchema>;
