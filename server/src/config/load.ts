/**
 * Builds the config from defaults < YAML file < BOUNCER_* environment < flags, validates it
 * once, and reports every problem (path and reason) together, as Mailpit's VerifyConfig does.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatIssues } from '../policy/profile.js';
import { configSchema, DEFAULT_LISTENERS, type BouncerConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Flag or variable → where it goes. Listener ports address a listener by name. */
export interface Overrides {
  config?: string;
  host?: string;
  ports: Record<string, string>;
  httpPort?: string;
  store?: string;
  data?: string;
  profileDirs?: string[];
  logLevel?: string;
  logFormat?: string;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  uiToken?: string;
}

export const ENV_VARS: Record<string, string> = {
  BOUNCER_CONFIG: 'path of the YAML config file',
  BOUNCER_HOST: 'bind address of all listeners (default 127.0.0.1)',
  BOUNCER_SMTP_PORT: 'port of the "smtp" listener (default 1025)',
  BOUNCER_SUBMISSION_PORT: 'port of the "submission" listener (default 1587)',
  BOUNCER_SMTPS_PORT: 'port of the "smtps" listener (default 1465)',
  BOUNCER_HTTP_PORT: 'port of the HTTP API (default 8025)',
  BOUNCER_STORE: 'sqlite or memory (default sqlite)',
  BOUNCER_DATA: 'path of the SQLite file (default ./data/bouncer.sqlite)',
  BOUNCER_PROFILE_DIR: 'extra profile directory',
  BOUNCER_LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent',
  BOUNCER_LOG_FORMAT: 'auto (pretty on a terminal, else JSON lines), json or pretty',
  BOUNCER_ALLOWED_ORIGINS: 'comma-separated origins allowed on the WebSocket',
  BOUNCER_ALLOWED_HOSTS: 'comma-separated Host names the API answers to besides loopback (* for any)',
  BOUNCER_UI_TOKEN: 'token the API, /metrics and the WebSocket require (empty: none)',
};

export function overridesFromEnv(env: NodeJS.ProcessEnv): Overrides {
  const ports: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^BOUNCER_([A-Z0-9_]+)_PORT$/.exec(key);
    if (m && m[1] !== 'HTTP' && value !== undefined) ports[m[1]!.toLowerCase().replace(/_/g, '-')] = value;
  }
  return {
    config: env.BOUNCER_CONFIG,
    host: env.BOUNCER_HOST,
    ports,
    httpPort: env.BOUNCER_HTTP_PORT,
    store: env.BOUNCER_STORE,
    data: env.BOUNCER_DATA,
    profileDirs: env.BOUNCER_PROFILE_DIR ? [env.BOUNCER_PROFILE_DIR] : undefined,
    logLevel: env.BOUNCER_LOG_LEVEL,
    logFormat: env.BOUNCER_LOG_FORMAT,
    allowedOrigins: env.BOUNCER_ALLOWED_ORIGINS ? env.BOUNCER_ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    allowedHosts: env.BOUNCER_ALLOWED_HOSTS ? env.BOUNCER_ALLOWED_HOSTS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    // compose passes an unset variable as empty: no token
    uiToken: env.BOUNCER_UI_TOKEN ? env.BOUNCER_UI_TOKEN : undefined,
  };
}

/** "1025" → 1025; anything else is reported naming the flag or variable it came from. */
function portValue(v: string, what: string, problems: string[]): number | undefined {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 0 && n <= 65535) return n;
  problems.push(`${what}: "${v}" is not a port (a number from 0 to 65535; 0 picks a free one)`);
  return undefined;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

function apply(raw: Raw, o: Overrides, problems: string[], source: 'environment' | 'flag'): void {
  const name = (flag: string, env: string) => (source === 'flag' ? `flag --${flag}` : `environment ${env}`);
  if (o.host !== undefined) raw.host = o.host;
  if (Object.keys(o.ports).length) {
    const listeners = Array.isArray(raw.listeners) ? (raw.listeners as Raw[]) : DEFAULT_LISTENERS.map((l) => ({ ...l }));
    for (const [name, value] of Object.entries(o.ports)) {
      const listener = listeners.find((l) => l.name === name);
      const what = source === 'flag' ? `flag --${name}-port` : `environment BOUNCER_${name.toUpperCase().replace(/-/g, '_')}_PORT`;
      if (!listener) problems.push(`${what}: there is no listener named "${name}" (listeners: ${listeners.map((l) => l.name).join(', ')})`);
      else {
        const port = portValue(value, what, problems);
        if (port !== undefined) listener.port = port;
      }
    }
    raw.listeners = listeners;
  }
  if (o.httpPort !== undefined) {
    const port = portValue(o.httpPort, name('http-port', 'BOUNCER_HTTP_PORT'), problems);
    if (port !== undefined) raw.http = { ...obj(raw.http), port };
  }
  if (o.allowedOrigins !== undefined) raw.http = { ...obj(raw.http), allowedOrigins: o.allowedOrigins };
  if (o.allowedHosts !== undefined) raw.http = { ...obj(raw.http), allowedHosts: o.allowedHosts };
  if (o.uiToken !== undefined) raw.http = { ...obj(raw.http), uiToken: o.uiToken };
  if (o.store !== undefined) raw.store = { ...obj(raw.store), kind: o.store };
  if (o.data !== undefined) raw.store = { ...obj(raw.store), path: o.data };
  if (o.profileDirs !== undefined) raw.profileDirs = [...(Array.isArray(raw.profileDirs) ? raw.profileDirs : []), ...o.profileDirs];
  if (o.logLevel !== undefined) raw.log = { ...obj(raw.log), level: o.logLevel };
  if (o.logFormat !== undefined) raw.log = { ...obj(raw.log), format: o.logFormat };
}

export function readConfigFile(file: string): Raw {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read config file: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file}: invalid YAML: ${(err as Error).message}`]);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError([`${file}: the config file must be a YAML mapping`]);
  return data as Raw;
}

/**
 * Merges and validates. Throws ConfigError listing every problem, including those `extraCheck`
 * finds in the merged raw config (the CLI checks listener profiles there, so a missing profile
 * is listed with the schema problems instead of after them).
 */
export function buildConfig(env: Overrides, flags: Overrides, base: Raw = {}, extraCheck?: (raw: Raw) => string[]): BouncerConfig {
  const file = flags.config ?? env.config;
  const raw: Raw = file ? { ...readConfigFile(file), ...base } : { ...base };
  const problems: string[] = [];
  apply(raw, env, problems, 'environment');
  apply(raw, flags, problems, 'flag');
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error));
  if (extraCheck) problems.push(...extraCheck(raw));
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** Validates a config object given in code (startBouncer), with the same error listing. */
export function parseConfig(input: unknown): BouncerConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  return parsed.data;
}
