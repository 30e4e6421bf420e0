/**
 * `smtp-bouncer`: the testing kit's public entry point. Start Bouncer in-process, query and
 * wait for mail with a typed client, inject failures with scenarios. The Playwright fixture
 * is `smtp-bouncer/playwright` (playwright.ts).
 */
export { attachBouncer, startBouncer, type BouncerEndpoints, type Endpoint, type ListenerEndpoint, type RunningBouncer, type StartOptions } from './start.js';
export {
  BouncerApiError,
  BouncerClient,
  DEFAULT_WAIT_TIMEOUT,
  MAX_WAIT_TIMEOUT,
  WaitTimeoutError,
  type ClientOptions,
  type WaitOptions,
} from './client.js';
export type { MessageQuery, PageQuery, SessionQuery, Since } from './filters.js';
export type { Scenario, ScenarioAction, ScenarioFiring, ScenarioInput, ScenarioMatch, ScenarioPhase, ScenarioState } from '../scenarios/spec.js';
export type {
  AddressValue,
  AttachmentMeta,
  MessageRecord,
  MessageStatus,
  MessageSummary,
  Page,
  Rejection,
  SessionOutcome,
  SessionRecord,
  SessionSummary,
  TranscriptLine,
} from '../store/types.js';
export type { Decision, Phase } from '../policy/types.js';
export type { BouncerConfigInput } from '../config/schema.js';
export type { ListenerInfo } from '../http/deps.js';
