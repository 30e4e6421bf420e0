/**
 * The OpenAPI 3.1 description of `/api/v1`, written by hand. api.test.ts checks that every
 * route the router serves is documented here and that nothing documented is missing.
 */
import { PHASES } from '../policy/types.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './routes/pagination.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponses = (...codes: Array<400 | 404>) => ({
  ...(codes.includes(400) ? { '400': { $ref: '#/components/responses/BadRequest' } } : {}),
  ...(codes.includes(404) ? { '404': { $ref: '#/components/responses/NotFound' } } : {}),
  '500': { $ref: '#/components/responses/Internal' },
});
const pathParam = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const queryParam = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const page = (item: string) => ({
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: { type: 'array', items: ref(item) },
    total: { type: 'integer', minimum: 0, description: 'Matching rows in all, regardless of limit and offset.' },
  },
});

const str = { type: 'string' };
const int = { type: 'integer' };
const epochMs = { type: 'integer', description: 'Epoch milliseconds.' };
const address = {
  type: 'object',
  required: ['name', 'address'],
  properties: { name: str, address: str },
};
const rejection = {
  type: 'object',
  required: ['phase', 'ruleId', 'code'],
  properties: { phase: str, ruleId: str, code: int, enhanced: str },
};
const replyTemplate = {
  type: 'object',
  required: ['code', 'text'],
  properties: {
    code: int,
    enhanced: str,
    text: { type: 'array', items: str },
    close: { type: 'boolean' },
  },
};

const authResult = { type: 'string', enum: ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy'] };

const doctorReply = {
  type: 'object',
  description: 'The reply Gmail would give (session id shown as <session-id>).',
  required: ['code', 'lines'],
  properties: { code: { type: 'integer' }, enhanced: { type: 'string' }, lines: { type: 'array', items: { type: 'string' } } },
};

const EVENTS_DESCRIPTION = `WebSocket of live events (upgrade a GET to \`ws://<host>/api/v1/events\`).

On connect the server sends \`{"type":"hello","data":{"version":"…","counts":{…}}}\`, then every event
in the order it happened, each as one text frame \`{"type":"<event>","data":<payload>}\`:

- \`session.opened\` — \`{session: SessionSummary}\`
- \`session.line\` — \`{sessionId, line: TranscriptLine}\`
- \`session.decision\` — \`{sessionId, decision: Decision}\`
- \`session.warning\` — \`{sessionId, warning: Warning}\`
- \`message.stored\` — \`{message: MessageSummary}\`
- \`session.closed\` — \`{session: SessionSummary}\`

Browsers must come from the server's own origin or an allowed origin (\`Origin\` header);
other origins get 403 and no upgrade. Clients without an \`Origin\` header (scripts, tests)
are accepted. The server pings every 30 s and drops clients that do not answer, and drops
clients that fall more than 4 MB behind. Messages sent by clients are ignored.`;

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bouncer API',
      version,
      description:
        'Sessions, transcripts, policy decisions and messages seen by the Bouncer SMTP sandbox. ' +
        'Every error is JSON `{error, message}` where `error` is a stable id: `not_found`, `bad_request`, `internal`, ' +
        '`forbidden_host` (403: the Host header is not a loopback name or one of the configured http.allowedHosts — a DNS-rebinding guard).',
    },
    paths: {
      '/api/v1/health': {
        get: {
          operationId: 'getHealth',
          summary: 'Liveness and version',
          responses: {
            '200': { description: 'The server is up.', content: json(ref('Health')) },
            ...errorResponses(),
          },
        },
      },
      '/api/v1/sessions': {
        get: {
          operationId: 'listSessions',
          summary: 'SMTP sessions, newest first; open sessions come first',
          parameters: [
            queryParam('outcome', 'Only sessions with this outcome.', { type: 'string', enum: ['open', 'accepted', 'rejected', 'no-mail'] }),
            queryParam('listener', 'Only sessions on this listener.'),
            queryParam('q', 'Case-insensitive text over client address, EHLO name, subject and rule id.'),
            { $ref: '#/components/parameters/limit' },
            { $ref: '#/components/parameters/offset' },
          ],
          responses: {
            '200': { description: 'A page of sessions.', content: json(page('SessionSummary')) },
            ...errorResponses(400),
          },
        },
      },
      '/api/v1/sessions/{id}': {
        get: {
          operationId: 'getSession',
          summary: 'One session with its transcript and decisions',
          parameters: [pathParam('id', 'Session id.')],
          responses: {
            '200': { description: 'The session.', content: json(ref('Session')) },
            ...errorResponses(404),
          },
        },
      },
      '/api/v1/messages': {
        get: {
          operationId: 'listMessages',
          summary: 'Stored messages, newest first',
          parameters: [
            queryParam('status', 'Only accepted or only rejected messages.', { type: 'string', enum: ['accepted', 'rejected'] }),
            queryParam('from', 'Case-insensitive substring of MAIL FROM or a From address.'),
            queryParam('to', 'Case-insensitive substring of an RCPT TO or a To/Cc address.'),
            queryParam('subject', 'Case-insensitive substring of the subject.'),
            queryParam('q', 'Case-insensitive text over from, to, subject and text body.'),
            queryParam('session', 'Only messages of this session id.'),
            { $ref: '#/components/parameters/limit' },
            { $ref: '#/components/parameters/offset' },
          ],
          responses: {
            '200': { description: 'A page of messages.', content: json(page('MessageSummary')) },
            ...errorResponses(400),
          },
        },
        delete: {
          operationId: 'deleteAllMessages',
          summary: 'Delete every stored message',
          responses: {
            '200': {
              description: 'How many messages were deleted.',
              content: json({ type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer', minimum: 0 } } }),
            },
            ...errorResponses(),
          },
        },
      },
      '/api/v1/messages/{id}': {
        get: {
          operationId: 'getMessage',
          summary: 'One message, parsed (headers, text and HTML bodies, attachment list)',
          parameters: [pathParam('id', 'Message id.')],
          responses: {
            '200': { description: 'The message.', content: json(ref('Message')) },
            ...errorResponses(404),
          },
        },
        delete: {
          operationId: 'deleteMessage',
          summary: 'Delete one message',
          parameters: [pathParam('id', 'Message id.')],
          responses: { '204': { description: 'Deleted.' }, ...errorResponses(404) },
        },
      },
      '/api/v1/messages/{id}/raw': {
        get: {
          operationId: 'getMessageRaw',
          summary: 'The message source as received, as a download (`<id>.eml`)',
          parameters: [pathParam('id', 'Message id.')],
          responses: {
            '200': {
              description: 'The raw message.',
              headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="<id>.eml"' } },
              content: { 'message/rfc822': { schema: { type: 'string', contentMediaType: 'message/rfc822' } } },
            },
            ...errorResponses(404),
          },
        },
      },
      '/api/v1/messages/{id}/attachments/{index}': {
        get: {
          operationId: 'getAttachment',
          summary: 'One attachment by its position, as a download',
          description:
            'Attachments are addressed by index only. The response is always `Content-Disposition: attachment` ' +
            'with a sanitised file name (last path segment, characters `[A-Za-z0-9._ -]`, no leading dots) ' +
            'and `X-Content-Type-Options: nosniff`.',
          parameters: [pathParam('id', 'Message id.'), pathParam('index', 'Zero-based attachment index.', { type: 'integer', minimum: 0 })],
          responses: {
            '200': {
              description: 'The attachment bytes, with the content type the sender declared.',
              headers: { 'Content-Disposition': { schema: { type: 'string' } } },
              content: { '*/*': { schema: { type: 'string', contentEncoding: 'binary' } } },
            },
            ...errorResponses(400, 404),
          },
        },
      },
      '/api/v1/profiles': {
        get: {
          operationId: 'listProfiles',
          summary: 'Receiver profiles loaded at start-up',
          responses: {
            '200': { description: 'Every profile.', content: json({ type: 'array', items: ref('Profile') }) },
            ...errorResponses(),
          },
        },
      },
      '/api/v1/profiles/{name}': {
        get: {
          operationId: 'getProfile',
          summary: 'One receiver profile',
          parameters: [pathParam('name', 'Profile name.')],
          responses: {
            '200': { description: 'The profile.', content: json(ref('Profile')) },
            ...errorResponses(404),
          },
        },
      },
      '/api/v1/listeners': {
        get: {
          operationId: 'listListeners',
          summary: 'SMTP listeners this server runs',
          responses: {
            '200': { description: 'Every listener.', content: json({ type: 'array', items: ref('Listener') }) },
            ...errorResponses(),
          },
        },
      },
      '/api/v1/doctor': {
        post: {
          operationId: 'runDoctor',
          summary: 'The checks Gmail would run on a sender (EHLO, PTR, SPF, DKIM, DMARC), without sending mail',
          description:
            'The same report as `bouncer doctor --json`. Checked against the DNS world of the config, or against the DNS server named in `resolver` ' +
            '(an IP address with an optional port). Each step is pass / fail / warn with the Gmail reply it would cause and the fix.',
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['ip', 'helo', 'from'],
              additionalProperties: false,
              properties: {
                ip: { type: 'string', description: 'The sending IP address.' },
                helo: { type: 'string', description: 'The EHLO name of the sending server.' },
                from: { type: 'string', description: 'The sender address (MAIL FROM and From).' },
                dkimSelector: { type: 'string', description: 'Check the key at <selector>._domainkey.<from domain>.' },
                resolver: { type: 'string', description: 'A DNS server to ask instead of the DNS world, e.g. 127.0.0.1:5353.' },
              },
            }),
          },
          responses: {
            '200': { description: 'The report.', content: json(ref('DoctorReport')) },
            ...errorResponses(400),
          },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
        },
      },
      '/api/v1/events': {
        get: {
          operationId: 'events',
          summary: 'Live events over WebSocket',
          description: EVENTS_DESCRIPTION,
          parameters: [
            { name: 'Upgrade', in: 'header', required: true, schema: { type: 'string', const: 'websocket' } },
            { name: 'Origin', in: 'header', required: false, schema: { type: 'string' }, description: 'Checked when present.' },
          ],
          responses: {
            '101': { description: 'Switching to the WebSocket protocol; frames are `Event` objects.', content: json(ref('Event')) },
            '403': { description: 'The Origin is not allowed. The connection is closed without upgrading.' },
          },
        },
      },
    },
    components: {
      parameters: {
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: `Rows per page (1..${MAX_LIMIT}).`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        offset: {
          name: 'offset',
          in: 'query',
          required: false,
          description: 'Rows to skip.',
          schema: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      responses: {
        BadRequest: { description: 'A parameter is invalid (`bad_request`); the message lists what is wrong.', content: json(ref('Error')) },
        NotFound: { description: 'No such resource (`not_found`).', content: json(ref('Error')) },
        Internal: { description: 'Unexpected server failure (`internal`); no details are given.', content: json(ref('Error')) },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', enum: ['not_found', 'bad_request', 'forbidden', 'payload_too_large', 'unsupported_media_type', 'internal'] },
            message: str,
          },
        },
        Health: {
          type: 'object',
          required: ['status', 'version', 'store', 'uptimeSeconds'],
          properties: {
            status: { const: 'ok' },
            version: str,
            store: { type: 'string', enum: ['sqlite', 'memory'] },
            uptimeSeconds: { type: 'integer', minimum: 0 },
          },
        },
        TranscriptLine: {
          type: 'object',
          required: ['t', 'dir', 'text'],
          properties: {
            t: { type: 'integer', description: 'Milliseconds since the session opened.' },
            dir: { type: 'string', enum: ['C', 'S', '*'], description: 'Client, server, or an event (`*`).' },
            text: str,
          },
        },
        Decision: {
          type: 'object',
          required: ['at', 'phase', 'ruleId', 'verdict', 'why', 'fix'],
          properties: {
            at: epochMs,
            phase: { type: 'string', enum: [...PHASES] },
            ruleId: str,
            verdict: { type: 'string', enum: ['reject', 'accept'] },
            reply: {
              type: 'object',
              required: ['code', 'lines', 'close'],
              properties: { code: int, enhanced: str, lines: { type: 'array', items: str }, close: { type: 'boolean' } },
            },
            why: str,
            fix: str,
            scenarioId: str,
          },
        },
        Warning: {
          type: 'object',
          description: 'Something Gmail would hold against the sender without refusing the message (a warning rule fired).',
          required: ['at', 'phase', 'ruleId', 'text', 'why', 'fix'],
          properties: {
            at: epochMs,
            phase: { type: 'string', enum: [...PHASES] },
            ruleId: str,
            text: { type: 'string', description: 'What Gmail would do.' },
            why: str,
            fix: str,
            reply: {
              type: 'object',
              description: 'The reply Gmail would give.',
              required: ['code', 'lines'],
              properties: { code: int, enhanced: str, lines: { type: 'array', items: str } },
            },
            messageId: { type: 'string', description: 'The stored message the warning is about.' },
          },
        },
        MessageAuth: {
          type: 'object',
          description: 'SPF, DKIM, DMARC and ARC results of a message (RFC 8601 result values), checked against the DNS world.',
          required: ['spf', 'dkim', 'arc', 'headerFrom', 'undeclaredPolicy', 'bulk', 'header'],
          properties: {
            spf: {
              type: 'object',
              required: ['result', 'domain', 'identity', 'ip', 'declared'],
              properties: {
                result: authResult,
                domain: str,
                identity: { type: 'string', enum: ['mailfrom', 'helo'] },
                ip: str,
                record: str,
                allQualifier: str,
                comment: str,
                declared: { type: 'boolean', description: 'False when the DNS world has no records for the domain.' },
              },
            },
            dkim: {
              type: 'array',
              items: {
                type: 'object',
                required: ['result', 'domain', 'selector', 'aligned', 'declared'],
                properties: {
                  result: authResult,
                  domain: str,
                  selector: str,
                  algorithm: str,
                  aligned: { type: 'boolean' },
                  keyBits: int,
                  comment: str,
                  declared: { type: 'boolean' },
                },
              },
            },
            dmarc: {
              type: 'object',
              required: ['result', 'domain', 'spfAligned', 'dkimAligned', 'declared'],
              properties: {
                result: authResult,
                domain: str,
                policy: { type: 'string', enum: ['none', 'quarantine', 'reject'] },
                record: str,
                spfAligned: { type: 'boolean' },
                dkimAligned: { type: 'boolean' },
                declared: { type: 'boolean' },
              },
            },
            arc: { type: 'object', required: ['result', 'instance'], properties: { result: authResult, instance: int, comment: str } },
            headerFrom: { type: 'array', items: str },
            undeclaredPolicy: { type: 'string', enum: ['none', 'fail'] },
            bulk: { type: 'boolean' },
            header: { type: 'string', description: 'The Authentication-Results header field added to the stored copy.' },
          },
        },
        SessionSummary: {
          type: 'object',
          required: ['id', 'listener', 'profile', 'startedAt', 'clientAddress', 'clientPort', 'tls', 'outcome', 'messageIds', 'warningCount'],
          properties: {
            id: str,
            listener: str,
            profile: str,
            startedAt: epochMs,
            endedAt: epochMs,
            clientAddress: str,
            clientPort: int,
            claimedAddress: { type: 'string', description: 'XCLIENT ADDR, when claimed.' },
            claimedName: str,
            heloVerb: { type: 'string', enum: ['HELO', 'EHLO'] },
            heloName: str,
            tls: { type: 'boolean' },
            user: str,
            outcome: { type: 'string', enum: ['open', 'accepted', 'rejected', 'no-mail'] },
            rejection: { ...rejection, description: 'The last rejection in the session.' },
            messageIds: { type: 'array', items: str },
            subject: str,
            warningCount: { type: 'integer', minimum: 0, description: 'How many warnings the session has.' },
          },
        },
        Session: {
          allOf: [
            ref('SessionSummary'),
            {
              type: 'object',
              required: ['lines', 'decisions', 'warnings'],
              properties: {
                lines: { type: 'array', items: ref('TranscriptLine') },
                decisions: { type: 'array', items: ref('Decision') },
                warnings: { type: 'array', items: ref('Warning') },
              },
            },
          ],
        },
        MessageSummary: {
          type: 'object',
          required: ['id', 'sessionId', 'receivedAt', 'status', 'mailFrom', 'rcptTo', 'size', 'truncated', 'from', 'to', 'cc', 'attachments'],
          properties: {
            id: str,
            sessionId: str,
            receivedAt: epochMs,
            status: { type: 'string', enum: ['accepted', 'rejected'] },
            rejection: {
              allOf: [rejection, { type: 'object', required: ['text'], properties: { text: { type: 'array', items: str } } }],
            },
            mailFrom: str,
            rcptTo: { type: 'array', items: str },
            size: { type: 'integer', description: 'Bytes received, including any part beyond the size limit.' },
            truncated: { type: 'boolean' },
            subject: str,
            from: { type: 'array', items: address },
            to: { type: 'array', items: address },
            cc: { type: 'array', items: address },
            date: str,
            messageIdHeader: str,
            attachments: {
              type: 'array',
              items: {
                type: 'object',
                required: ['index', 'filename', 'contentType', 'size'],
                properties: { index: int, filename: str, contentType: str, size: int },
              },
            },
            parseError: str,
            auth: ref('MessageAuth'),
          },
        },
        Message: {
          allOf: [
            ref('MessageSummary'),
            {
              type: 'object',
              required: ['headers'],
              properties: {
                text: str,
                html: { type: 'string', description: 'As sent. Render only in a sandboxed frame.' },
                headers: {
                  type: 'array',
                  items: { type: 'object', required: ['name', 'value'], properties: { name: str, value: str } },
                },
              },
            },
          ],
        },
        Profile: {
          type: 'object',
          description:
            'A receiver profile as loaded (after `extends` is resolved). The greeting and every built-in reply are in `replies` ' +
            '(`replies.greeting`, `replies.ehlo-ok`, ...).',
          required: ['name', 'description', 'hostname', 'ehlo', 'limits', 'auth', 'replies', 'rules'],
          properties: {
            name: str,
            description: str,
            extends: { type: 'string', description: 'The parent profile, if any.' },
            hostname: str,
            greetingDelayMs: int,
            ehlo: {
              type: 'object',
              properties: { extensions: { type: 'array', items: str } },
            },
            unimplementedCommands: { type: 'array', items: str },
            limits: {
              type: 'object',
              properties: {
                maxMessageSize: int,
                maxRecipients: int,
                maxUnrecognizedCommands: int,
                idleTimeoutMs: int,
                maxLineLength: int,
              },
            },
            auth: {
              type: 'object',
              properties: {
                enabled: { type: 'boolean' },
                mechanisms: { type: 'array', items: { type: 'string', enum: ['PLAIN', 'LOGIN'] } },
                requireTls: { type: 'boolean' },
              },
            },
            replies: { type: 'object', additionalProperties: replyTemplate },
            rules: {
              type: 'object',
              description: 'Ordered rules per phase.',
              properties: Object.fromEntries(
                PHASES.map((p) => [
                  p,
                  {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'check', 'enabled', 'description', 'params', 'reply'],
                      properties: {
                        id: str,
                        check: str,
                        enabled: { type: 'boolean' },
                        description: str,
                        params: { type: 'object' },
                        reply: replyTemplate,
                        warning: { type: 'string', description: 'Set on warning rules: the warning text; `reply` is then what Gmail would answer.' },
                      },
                    },
                  },
                ]),
              ),
            },
          },
        },
        DoctorReport: {
          type: 'object',
          required: ['input', 'dns', 'profile', 'steps', 'verdict'],
          properties: {
            input: { type: 'object', required: ['ip', 'helo', 'from'], properties: { ip: str, helo: str, from: str, dkimSelector: str } },
            dns: { type: 'string', description: '`the DNS world` or `DNS server <address>`.' },
            profile: { type: 'string', description: 'The profile whose replies are shown.' },
            steps: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'title', 'status', 'detail'],
                properties: {
                  id: { type: 'string', enum: ['ehlo-form', 'ptr', 'forward-confirmation', 'ehlo-matches-ptr', 'spf', 'dkim', 'dmarc'] },
                  title: str,
                  status: { type: 'string', enum: ['pass', 'fail', 'warn'] },
                  detail: str,
                  reply: doctorReply,
                  fix: str,
                },
              },
            },
            verdict: {
              type: 'object',
              required: ['status', 'summary'],
              properties: { status: { type: 'string', enum: ['pass', 'fail', 'warn'] }, summary: str, reply: doctorReply },
            },
          },
        },
        Listener: {
          type: 'object',
          required: ['name', 'host', 'port', 'tls', 'profile'],
          properties: {
            name: str,
            host: str,
            port: int,
            tls: { type: 'string', enum: ['none', 'starttls', 'implicit'] },
            profile: str,
          },
        },
        Event: {
          type: 'object',
          required: ['type', 'data'],
          properties: {
            type: {
              type: 'string',
              enum: ['hello', 'session.opened', 'session.line', 'session.decision', 'session.warning', 'message.stored', 'session.closed'],
            },
            data: { type: 'object' },
          },
        },
      },
    },
  };
}
