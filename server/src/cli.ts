/**
 * `bouncer` — flags and BOUNCER_* variables override the YAML config; every setting has a
 * default in config/schema.ts. Prints one short banner with the chosen ports.
 */
import { parseArgs } from 'node:util';
import { buildConfig, ConfigError, ENV_VARS, overridesFromEnv, type Overrides } from './config/load.js';
import { ProfileError } from './policy/profile.js';
import { profileProblems, startBouncer, VERSION, type Bouncer } from './main.js';
import { doctorMain } from './doctor/cli.js';
import { tuneHeapGrowth } from './util/heap-growth.js';

export const HELP = `bouncer ${VERSION} — a local SMTP sandbox that answers like Gmail

Usage: bouncer [options]        (npm start -- [options])
       bouncer doctor --ip <address> --helo <name> --from <address> [--dkim-selector <s>] [--resolver <ip[:port]>]
                              the checks Gmail would run on a sender, without sending mail
                              (bouncer doctor --help)

Options:
  -c, --config <file>         YAML config file (every setting, see README "Configuration")
      --host <address>        bind address of every listener and the HTTP API (default 127.0.0.1)
      --smtp-port <port>      port of the "smtp" listener, profile gmail-mx (default 1025)
      --submission-port <p>   port of the "submission" listener, STARTTLS, gmail-submission (default 1587)
      --smtps-port <port>     port of the "smtps" listener, implicit TLS, gmail-submission (default 1465)
      --<name>-port <port>    port of any listener named in the config
      --http-port <port>      port of the HTTP API and WebSocket (default 8025)
      --store <kind>          sqlite (default) or memory (throwaway)
      --data <file>           SQLite file (default ./data/bouncer.sqlite)
      --profile-dir <dir>     extra directory of profile YAML files (repeatable)
      --allowed-origin <url>  origin allowed on the WebSocket besides the server's own (repeatable)
      --allowed-host <name>   Host name the API answers to besides loopback (repeatable; * for any)
      --ui-token <token>      require this token on the API, /metrics and the WebSocket
      --log-level <level>     fatal, error, warn, info (default), debug, trace, silent
      --log-format <format>   auto (default: pretty on a terminal, JSON lines otherwise), json, pretty
  -h, --help                  this text
  -v, --version               the version

Port 0 picks a free port; the banner prints the ports chosen.

Environment (overrides the config file; flags override these):
${Object.entries(ENV_VARS)
  .map(([k, v]) => `  ${k.padEnd(26)}${v}`)
  .join('\n')}
  BOUNCER_<NAME>_PORT         port of the listener <name> (e.g. BOUNCER_SMTP_PORT)
`;

/**
 * The flags besides the open-ended `--<listener>-port` ones (docker-compose.test.ts checks
 * the compose file's command against these).
 */
export const CLI_OPTIONS = {
  config: { type: 'string', short: 'c' },
  host: { type: 'string' },
  'http-port': { type: 'string' },
  store: { type: 'string' },
  data: { type: 'string' },
  'profile-dir': { type: 'string', multiple: true },
  'allowed-origin': { type: 'string', multiple: true },
  'allowed-host': { type: 'string', multiple: true },
  'ui-token': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export function parseFlags(argv: string[]): { help: boolean; version: boolean; overrides: Overrides; problems: string[] } {
  // --<name>-port flags are open-ended (one per listener), so they are picked out first
  const ports: Record<string, string> = {};
  const rest: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z0-9-]+)-port(?:=(.*))?$/.exec(arg);
    if (m && m[1] !== 'http') {
      const value = m[2] ?? argv[++i];
      if (value === undefined) problems.push(`--${m[1]}-port needs a value`);
      else ports[m[1]!] = value;
    } else rest.push(arg);
  }
  let values: ReturnType<typeof parse>['values'];
  function parse(args: string[]) {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: CLI_OPTIONS,
    });
  }
  try {
    values = parse(rest).values;
  } catch (err) {
    problems.push((err as Error).message);
    values = {};
  }
  return {
    help: !!values.help,
    version: !!values.version,
    problems,
    overrides: {
      config: values.config,
      host: values.host,
      ports,
      httpPort: values['http-port'],
      store: values.store,
      data: values.data,
      profileDirs: values['profile-dir'],
      logLevel: values['log-level'],
      logFormat: values['log-format'],
      allowedOrigins: values['allowed-origin'],
      allowedHosts: values['allowed-host'],
      uiToken: values['ui-token'],
    },
  };
}

/** SIGTERM/SIGINT: the process exits within this, whatever is still open. */
export const SHUTDOWN_DEADLINE_MS = 4500;

export function banner(b: Bouncer): string {
  const lines = [`Bouncer ${VERSION} — answers like Gmail`];
  for (const l of b.listeners) {
    const tls = l.tls === 'starttls' ? ' (STARTTLS)' : l.tls === 'implicit' ? ' (implicit TLS)' : '';
    lines.push(`  SMTP ${l.name.padEnd(11)} ${l.host}:${l.port}${tls}  profile ${l.profile}`);
  }
  if (b.http.ui) lines.push(`  UI              ${b.http.url}/`);
  lines.push(`  HTTP API        ${b.http.url}/api/v1  (OpenAPI: ${b.http.url}/api/v1/openapi.json)`);
  lines.push(`  Store           ${b.store.kind === 'memory' ? 'in memory (nothing kept after exit)' : b.config.store.path}`);
  if (b.config.auth.users.length === 0 && b.listeners.some((l) => b.profiles.get(l.profile)?.auth.enabled)) {
    lines.push('  AUTH            no users configured: any user name and password are accepted');
  }
  return lines.join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] === 'doctor') return doctorMain(argv.slice(1), env);
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let bouncer: Bouncer;
  tuneHeapGrowth();
  try {
    if (flags.problems.length) throw new ConfigError(flags.problems);
    const config = buildConfig(overridesFromEnv(env), flags.overrides, {}, profileProblems);
    bouncer = await startBouncer(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProfileError) {
      process.stderr.write(`bouncer: invalid configuration\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    process.stderr.write(`bouncer: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${banner(bouncer)}\n`);
  const shutdown = (signal: string) => {
    bouncer.log.info({ signal }, 'shutting down');
    // open sessions are told 421 at once (busy ones after their reply, within smtp-server's
    // 2 s close timeout); should anything still hang, the process goes anyway
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    bouncer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return -1;
}
