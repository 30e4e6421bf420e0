/**
 * The OpenAPI 3.1 description of `/api/v1`, written by hand. api.test.ts checks that every
 * route the router serves is documented here and that nothing documented is missing.
 */
import { PHASES } from '../policy/types.js';
import { MAX_DELAY_MS, MAX_TIMES, SCENARIO_PHASES } from '../scenarios/spec.js';
import { FILTER_PARAMETER_DOCS } from './routes/filters.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from './routes/pagination.js';
import { DEFAULT_WAIT_MS } from './routes/waits.js';
import { MAX_WAIT_MS } from './waits.js';

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

const messageFilterParams = [
  queryParam('status', 'Only accepted or only rejected messages.', { type: 'string', enum: ['accepted', 'rejected'] }),
  queryParam('from', 'Case-insensitive substring of MAIL FROM or a From address.'),
  queryParam('to', 'Case-insensitive substring of an RCPT TO or a To/Cc address.'),
  queryParam('subject', FILTER_PARAMETER_DOCS.subject),
  queryParam('q', 'Case-insensitive text over from, to, subject and text body.'),
  queryParam('session', 'Only messages of this session id.'),
  queryParam('tag', FILTER_PARAMETER_DOCS.tag),
  queryParam('since', FILTER_PARAMETER_DOCS.since),
  queryParam('rule', 'Only messages rejected by this rule id.'),
];
const sessionFilterParams = [
  queryParam('outcome', 'Only sessions with this outcome.', { type: 'string', enum: ['open', 'accepted', 'rejected', 'no-mail'] }),
  queryParam('listener', 'Only sessions on this listener.'),
  queryParam('q', 'Case-insensitive text over client address, EHLO name, subject and rule id.'),
  queryParam('tag', FILTER_PARAMETER_DOCS.tag),
  queryParam('since', FILTER_PARAMETER_DOCS.since),
  queryParam('rule', 'Only sessions with a decision by this rule id (profile rule, built-in limit or `scenario.*`).'),
  queryParam('scenario', 'Only sessions in which this scenario fired.'),
  queryParam('from', 'Case-insensitive substring of a MAIL FROM address the session gave.'),
  queryParam('to', 'Case-insensitive substring of a RCPT TO address the session gave (accepted or not).'),
  queryParam('subject', FILTER_PARAMETER_DOCS.subject),
];
const waitTimeout = queryParam('timeout', `How long to hold the request, in milliseconds (default ${DEFAULT_WAIT_MS}, at most ${MAX_WAIT_MS}).`, {
  type: 'integer',
  minimum: 0,
  maximum: MAX_WAIT_MS,
  default: DEFAULT_WAIT_MS,
});
const waitTimeoutResponse = {
  description: 'Nothing matched in time: `{"error":"wait_timeout"}`.',
  content: json({ $ref: '#/components/schemas/Error' }),
};
const tagScope = (what: string) => queryParam('tag', `Only ${what} scoped to this tag (match.tag).`);

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

On connect the server sends \`{"type":"hello","data":{"version":"…","counts":{…},"outcomes":{…}}}\` (\`counts\`:
sessions, messages, accepted and rejected messages; \`outcomes\`: sessions per outcome — open, accepted, rejected,
no-mail — at the same instant, so that counts plus the events that follow stay exact), then every event
in the order it happened, each as one text frame \`{"type":"<event>","data":<payload>}\` (frames leave in
bursts at most 10 ms apart):

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
        'Every error is JSON `{error, message}` where `error` is a stable id: `not_found`, `bad_request`, `unsupported_media_type`, `wait_timeout`, `internal`, ' +
        '`forbidden_host` (403: the Host header is not a loopback name or one of the configured http.allowedHosts — a DNS-rebinding guard), ' +
        '`unauthorized` (401: the server runs with BOUNCER_UI_TOKEN and the request did not carry it — send `Authorization: Bearer <token>`, ' +
        'or open the UI once with `?token=<token>`, which sets an HttpOnly cookie; `/api/v1/health` never needs it).',
    },
    // with BOUNCER_UI_TOKEN set every operation but the health check requires the token; without it, none does
    security: [{}, { uiToken: [] }],
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
            ...sessionFilterParams,
            { $ref: '#/components/parameters/limit' },
            { $ref: '#/components/parameters/offset' },
          ],
          responses: {
            '200': { description: 'A page of sessions.', content: json(page('SessionSummary')) },
            ...errorResponses(400),
          },
        },
      },
      '/api/v1/sessions/wait': {
        get: {
          operationId: 'waitForSession',
          summary: 'The newest ended session matching the filters, waiting for one if there is none yet',
          description:
            'Answers at once when an ended session already matches (use `since` to ignore older ones); otherwise holds the ' +
            'request until a matching session ends, driven by the event bus (no polling). Sessions match when they end, ' +
            'so a client that keeps its connection open is seen when it disconnects.',
          parameters: [...sessionFilterParams, waitTimeout],
          responses: {
            '200': { description: 'The session.', content: json(ref('Session')) },
            '408': waitTimeoutResponse,
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
            ...messageFilterParams,
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
          summary: 'Delete every stored message, or those of one tag (MailHog-compatible)',
          parameters: [queryParam('tag', 'Only the messages with this isolation tag.')],
          responses: {
            '200': {
              description: 'How many messages were deleted.',
              content: json({ type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer', minimum: 0 } } }),
            },
            ...errorResponses(400),
          },
        },
      },
      '/api/v1/messages/wait': {
        get: {
          operationId: 'waitForMessage',
          summary: 'The newest stored message matching the filters, waiting for one if there is none yet',
          description:
            'Answers at once when a stored message already matches (use `since` to ignore older ones); otherwise holds ' +
            'the request until a matching message is stored, driven by the event bus (no polling), or answers 408 ' +
            '`wait_timeout`. A client that disconnects stops its wait.',
          parameters: [...messageFilterParams, waitTimeout],
          responses: {
            '200': { description: 'The message.', content: json(ref('Message')) },
            '408': waitTimeoutResponse,
            ...errorResponses(400),
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
      '/api/v1/profiles/{name}/rules/{ruleId}': {
        patch: {
          operationId: 'setRuleEnabled',
          summary: 'Turn one rule of a profile on or off, live',
          description:
            'A runtime switch (the profile file is not changed, and a restart forgets it) that takes effect at once: ' +
            'every evaluation after the call, in new sessions and in open ones, sees the rule on or off. `GET /profiles` shows the ' +
            'effective state in each rule\'s `enabled`. The body must be JSON (`415 unsupported_media_type` otherwise).',
          parameters: [pathParam('name', 'Profile name.'), pathParam('ruleId', 'Rule id, e.g. `helo.non-fqdn`.')],
          requestBody: {
            required: true,
            content: json({ type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } }),
          },
          responses: {
            '200': { description: 'The rule as it is now, with its profile and phase.', content: json(ref('RuleState')) },
            ...errorResponses(400, 404),
            '415': { $ref: '#/components/responses/UnsupportedMediaType' },
          },
        },
      },
      '/api/v1/listeners/{name}': {
        patch: {
          operationId: 'setListenerProfile',
          summary: "Switch a listener's profile, live",
          description:
            'Connections opened after the call get the new profile (greeting, replies, rules, limits); open sessions keep ' +
            'theirs. A runtime change: a restart goes back to the config. An unknown profile is `400 bad_request`; ' +
            'the body must be JSON (`415 unsupported_media_type` otherwise).',
          parameters: [pathParam('name', 'Listener name.')],
          requestBody: {
            required: true,
            content: json({ type: 'object', required: ['profile'], additionalProperties: false, properties: { profile: str } }),
          },
          responses: {
            '200': { description: 'The listener as it is now.', content: json(ref('Listener')) },
            ...errorResponses(400, 404),
            '415': { $ref: '#/components/responses/UnsupportedMediaType' },
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
      '/api/v1/scenarios': {
        get: {
          operationId: 'listScenarios',
          summary: 'Scenarios, oldest first, with their state and firings',
          parameters: [tagScope('scenarios')],
          responses: {
            '200': { description: 'Every scenario (active, exhausted or expired).', content: json(page('Scenario')) },
            ...errorResponses(400),
          },
        },
        post: {
          operationId: 'createScenario',
          summary: 'Create a scenario: deterministic, scoped failure injection',
          description:
            'Consulted before the profile rules at its phase; the first active scenario (in creation order) whose match ' +
            'holds fires. Each firing is a decision with `scenarioId` in the session. An invalid scenario gets ' +
            '`bad_request` listing every problem.',
          requestBody: { required: true, content: json(ref('ScenarioInput')) },
          responses: {
            '201': { description: 'The scenario.', content: json(ref('Scenario')) },
            ...errorResponses(400),
          },
        },
        delete: {
          operationId: 'deleteScenarios',
          summary: 'Delete every scenario, or those scoped to a tag',
          parameters: [tagScope('scenarios')],
          responses: {
            '200': {
              description: 'How many were deleted.',
              content: json({ type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer', minimum: 0 } } }),
            },
            ...errorResponses(400),
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
      '/api/v1/scenarios/{id}': {
        get: {
          operationId: 'getScenario',
          summary: 'One scenario with its state and firings',
          parameters: [pathParam('id', 'Scenario id.')],
          responses: { '200': { description: 'The scenario.', content: json(ref('Scenario')) }, ...errorResponses(404) },
        },
        delete: {
          operationId: 'deleteScenario',
          summary: 'Delete one scenario',
          parameters: [pathParam('id', 'Scenario id.')],
          responses: { '204': { description: 'Deleted.' }, ...errorResponses(404) },
        },
      },
      '/api/v2/messages': {
        get: {
          operationId: 'mailhogMessages',
          summary: 'MailHog-compatible: accepted messages in MailHog’s JSON shape, newest first',
          description:
            'For suites written against MailHog (e.g. the `mailhog` npm client): `{total, count, start, items}`, each item with ' +
            '`ID`, `From`, `To`, `Content.Headers` (canonical names), `Content.Body` (as received), `MIME.Parts`, `Created` and `Raw`. ' +
            'Delete with `DELETE /api/v1/messages` and `DELETE /api/v1/messages/{id}`, as with MailHog.',
          parameters: [
            queryParam('start', 'Messages to skip.', { type: 'integer', minimum: 0, default: 0 }),
            queryParam('limit', `Messages per page (1..${MAX_LIMIT}).`, { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 }),
          ],
          responses: { '200': { description: 'A page of messages.', content: json(ref('MailhogPage')) }, ...errorResponses(400) },
        },
      },
      '/api/v2/search': {
        get: {
          operationId: 'mailhogSearch',
          summary: 'MailHog-compatible search: by sender, recipient or text',
          parameters: [
            { name: 'kind', in: 'query', required: true, schema: { type: 'string', enum: ['from', 'to', 'containing'] }, description: '`from`: MAIL FROM or From; `to`: RCPT TO, To or Cc; `containing`: from, to, subject or text body.' },
            { name: 'query', in: 'query', required: true, schema: str, description: 'Case-insensitive substring.' },
            queryParam('start', 'Messages to skip.', { type: 'integer', minimum: 0, default: 0 }),
            queryParam('limit', `Messages per page (1..${MAX_LIMIT}).`, { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 }),
          ],
          responses: { '200': { description: 'A page of messages.', content: json(ref('MailhogPage')) }, ...errorResponses(400) },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          summary: 'Prometheus metrics',
          description:
            'Prometheus text exposition (outside `/api/v1`, where scrapers look by default): sessions and messages by ' +
            'listener, profile and outcome; replies by phase, code and enhanced code; decisions by rule id; reply ' +
            'latency histograms per phase (connect→greeting, EHLO, MAIL, RCPT, DATA, end of DATA→reply); store ' +
            'commit latency and batch size; WebSocket clients; and the process metrics (CPU, memory, event-loop ' +
            'lag). See docs/grafana/ for a dashboard.',
          responses: {
            '200': { description: 'The metrics.', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } },
            ...errorResponses(),
          },
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
      securitySchemes: {
        uiToken: { type: 'http', scheme: 'bearer', description: 'BOUNCER_UI_TOKEN, when the server has one (also accepted as ?token= and as the bouncer_token cookie).' },
      },
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
        UnsupportedMediaType: { description: 'The request body is not JSON (`unsupported_media_type`).', content: json(ref('Error')) },
        Internal: { description: 'Unexpected server failure (`internal`); no details are given.', content: json(ref('Error')) },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: {
              type: 'string',
              enum: ['not_found', 'bad_request', 'forbidden', 'forbidden_host', 'payload_too_large', 'unsupported_media_type', 'internal', 'wait_timeout'],
            },
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
            tag: { type: 'string', description: 'Isolation tag: AUTH username, recipient `+tag` or `X-Bouncer-Tag`, the first seen.' },
            senders: { type: 'array', items: str, description: 'Every MAIL FROM address given, accepted or not.' },
            recipients: { type: 'array', items: str, description: 'Every RCPT TO address given, accepted or not.' },
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
            tag: { type: 'string', description: 'Isolation tag: `X-Bouncer-Tag` header, else a recipient `+tag`, else the session tag.' },
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
                        enabled: { type: 'boolean', description: 'Effective state: a runtime switch (PATCH) wins over the file.' },
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
        RuleState: {
          type: 'object',
          required: ['profile', 'phase', 'id', 'check', 'enabled', 'description', 'params', 'reply'],
          properties: {
            profile: str,
            phase: { type: 'string', enum: [...PHASES] },
            id: str,
            check: str,
            enabled: { type: 'boolean', description: 'The effective state (runtime switch, else the profile file).' },
            description: str,
            params: { type: 'object' },
            reply: replyTemplate,
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
        ScenarioInput: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: {
            name: str,
            match: {
              type: 'object',
              additionalProperties: false,
              description: 'Every given criterion must hold.',
              properties: {
                rcpt: { type: 'string', description: 'Recipient: a glob (`*@example.com`, case-insensitive, whole address) or `/regex/flags`. At rcpt the current RCPT; later any accepted recipient.' },
                mailFrom: { type: 'string', description: 'Sender (MAIL FROM), same forms.' },
                tag: { type: 'string', description: 'Only sessions/messages carrying this isolation tag.' },
                listener: { type: 'string', description: 'Only connections to this listener.' },
                nth: { type: 'integer', minimum: 1, description: 'Only the nth MAIL transaction matching the rest, counted from creation.' },
              },
            },
            action: {
              type: 'object',
              additionalProperties: false,
              properties: {
                phase: { type: 'string', enum: [...SCENARIO_PHASES], description: 'Defaults to the phase of `rule`.' },
                rule: { type: 'string', description: 'A profile rule id whose reply to give (e.g. `rcpt.no-such-user`); `reply` fields override it.' },
                reply: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    code: { type: 'integer', minimum: 400, maximum: 599 },
                    enhanced: str,
                    text: { oneOf: [str, { type: 'array', items: str }] },
                    close: { type: 'boolean' },
                  },
                },
                delayMs: { type: 'integer', minimum: 1, maximum: MAX_DELAY_MS, description: "Wait before the phase's reply." },
                drop: { type: 'string', enum: ['no-reply', 'after-reply'], description: 'Close without replying, or right after the reply.' },
              },
            },
            times: { oneOf: [{ type: 'integer', minimum: 1, maximum: MAX_TIMES }, { const: 'unlimited' }], description: 'Firings before it expires (default 1; unlimited when ttlMs is given).' },
            ttlMs: { type: 'integer', minimum: 1, description: 'Expires this long after creation.' },
          },
        },
        Scenario: {
          type: 'object',
          required: ['id', 'match', 'action', 'times', 'createdAt', 'fired', 'state', 'firings'],
          properties: {
            id: str,
            name: str,
            match: { type: 'object' },
            action: { type: 'object' },
            times: { oneOf: [int, { const: 'unlimited' }] },
            ttlMs: int,
            createdAt: epochMs,
            expiresAt: epochMs,
            fired: { type: 'integer', minimum: 0 },
            state: { type: 'string', enum: ['active', 'exhausted', 'expired'] },
            firings: {
              type: 'array',
              description: 'The latest 100 firings, oldest first.',
              items: { type: 'object', required: ['at', 'sessionId', 'phase'], properties: { at: epochMs, sessionId: str, phase: str } },
            },
          },
        },
        MailhogPage: {
          type: 'object',
          required: ['total', 'count', 'start', 'items'],
          properties: {
            total: int,
            count: int,
            start: int,
            items: {
              type: 'array',
              items: {
                type: 'object',
                required: ['ID', 'From', 'To', 'Content', 'Created', 'MIME', 'Raw'],
                properties: {
                  ID: str,
                  From: { type: 'object', properties: { Relays: {}, Mailbox: str, Domain: str, Params: str } },
                  To: { type: 'array', items: { type: 'object', properties: { Relays: {}, Mailbox: str, Domain: str, Params: str } } },
                  Content: {
                    type: 'object',
                    properties: {
                      Headers: { type: 'object', additionalProperties: { type: 'array', items: str } },
                      Body: str,
                      Size: int,
                      MIME: {},
                    },
                  },
                  Created: { type: 'string', format: 'date-time' },
                  MIME: { description: '`{Parts: Content[]}` for a multipart message, else null.' },
                  Raw: { type: 'object', properties: { From: str, To: { type: 'array', items: str }, Data: str, Helo: str } },
                },
              },
            },
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
