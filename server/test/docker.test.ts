/**
 * No Docker engine runs here, so the container files are checked against the CLI instead:
 * the compose command is parsed with the CLI's own flag parser and must be valid; every
 * listener and the HTTP port are published on 127.0.0.1 only, to the port the command
 * binds; the environment holds only variables the CLI knows; the config file it names is
 * the one the Dockerfile copies and is valid; the pinned network gateway is the address
 * that config trusts; the Dockerfile is multi-stage, runs unprivileged with a data volume
 * and checks /api/v1/health on the HTTP port.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLI_OPTIONS, parseFlags } from '../src/cli.js';
import { buildConfig, ENV_VARS, overridesFromEnv } from '../src/config/load.js';
import { DEFAULT_LISTENERS } from '../src/config/schema.js';
import { profileProblems } from '../src/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Compose {
  services: Record<string, { build?: string; command: string[]; ports: string[]; environment: Record<string, string>; volumes: string[]; networks: string[] }>;
  networks: Record<string, { ipam: { config: Array<{ subnet: string; gateway: string }> } }>;
  volumes: Record<string, unknown>;
}

const compose = parseYaml(read('docker-compose.yml')) as Compose;
const service = compose.services.bouncer!;
const dockerfile = read('Dockerfile');

/** `COPY <src> <dest>` lines of the final stage: container path → repository path. */
function copiedFiles(): Map<string, string> {
  const finalStage = dockerfile.split(/^FROM /m).at(-1)!;
  const copies = new Map<string, string>();
  for (const m of finalStage.matchAll(/^COPY (?!--from)(\S+) (\S+)$/gm)) copies.set(m[2]!, m[1]!);
  return copies;
}

describe('docker-compose.yml against the CLI', () => {
  const flags = parseFlags(service.command);

  it('its command is valid for the CLI’s flag parser, binding every interface in the container', () => {
    expect(flags.problems).toEqual([]);
    expect(flags.help || flags.version).toBe(false);
    expect(flags.overrides.host).toBe('0.0.0.0');
    // every long option used is one the CLI defines (or a --<listener>-port)
    const used = service.command.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
    const known = new Set(Object.keys(CLI_OPTIONS));
    const listenerPorts = new Set(DEFAULT_LISTENERS.map((l) => `${l.name}-port`));
    expect(used.filter((u) => !known.has(u) && !listenerPorts.has(u))).toEqual([]);
  });

  it('publishes 1025, 1587, 1465 and 8025 on 127.0.0.1 only, each to the port the command binds', () => {
    const published = service.ports.map((p) => {
      const m = /^127\.0\.0\.1:(\d+):(\d+)$/.exec(p);
      expect(m, `${p} is not published on 127.0.0.1 only`).not.toBeNull();
      return { host: Number(m![1]), container: Number(m![2]) };
    });
    expect(published.map((p) => p.host).sort()).toEqual([1025, 1465, 1587, 8025]);
    const bound = new Map<string, number>(DEFAULT_LISTENERS.map((l) => [l.name, Number(flags.overrides.ports[l.name] ?? l.port)]));
    bound.set('http', Number(flags.overrides.httpPort ?? 8025));
    expect(published.map((p) => p.container).sort()).toEqual([...bound.values()].sort());
    for (const p of published) expect(p.host).toBe(p.container);
  });

  it('sets only environment variables the CLI reads, BOUNCER_UI_TOKEN among them (empty: no token)', () => {
    const names = Object.keys(service.environment);
    expect(names).toContain('BOUNCER_UI_TOKEN');
    expect(names.filter((n) => !(n in ENV_VARS))).toEqual([]);
    expect(service.environment.BOUNCER_UI_TOKEN).toBe('${BOUNCER_UI_TOKEN:-}');
    expect(overridesFromEnv({ BOUNCER_UI_TOKEN: '' }).uiToken).toBeUndefined();
    expect(overridesFromEnv({ BOUNCER_UI_TOKEN: 'abc' }).uiToken).toBe('abc');
  });

  it('keeps the data on a named volume at the path the command stores to', () => {
    expect(flags.overrides.data).toBe('/data/bouncer.sqlite');
    expect(service.volumes).toEqual(['bouncer-data:/data']);
    expect(compose.volumes).toHaveProperty('bouncer-data');
  });

  it('names the config file the Dockerfile copies, valid with the command and a token', () => {
    const inContainer = flags.overrides.config!;
    const source = copiedFiles().get(inContainer);
    expect(source, `the Dockerfile does not COPY ${inContainer}`).toBe('docker/bouncer.yaml');
    const config = buildConfig(overridesFromEnv({ BOUNCER_UI_TOKEN: 'tok' }), { ...flags.overrides, config: path.join(ROOT, source!) }, {}, profileProblems);
    expect(config.host).toBe('0.0.0.0');
    expect(config.http.uiToken).toBe('tok');
    expect(config.store.path).toBe('/data/bouncer.sqlite');
    expect(config.listeners.map((l) => [l.name, l.port])).toEqual([
      ['smtp', 1025],
      ['submission', 1587],
      ['smtps', 1465],
    ]);
    // the host's connections arrive from the pinned gateway: it has the loopback identity
    const gateway = compose.networks.bouncer!.ipam.config[0]!.gateway;
    expect(service.networks).toEqual(['bouncer']);
    expect(config.smtp.xclientFrom).toContain(gateway);
    expect(config.dns.records[gateway]?.PTR).toEqual([config.dns.loopbackName]);
    expect(config.dns.records[config.dns.loopbackName!]?.A).toContain(gateway);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage and runs as an unprivileged user with a data volume', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    const finalStage = dockerfile.split(/^FROM /m).at(-1)!;
    const user = /^USER (\S+)$/m.exec(finalStage)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/);
    expect(finalStage).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(finalStage).toMatch(/^ENV [\s\S]*BOUNCER_DATA=\/data\/bouncer\.sqlite/m);
  });

  it('exposes the four ports and checks /api/v1/health on the HTTP port', () => {
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)![1]!.split(/\s+/).map(Number).sort();
    expect(exposed).toEqual([1025, 1465, 1587, 8025]);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*http:\/\/127\.0\.0\.1:8025\/api\/v1\/health/m);
  });

  it('its default command is valid for the CLI too', () => {
    const cmd = JSON.parse(/^CMD (\[.+\])$/m.exec(dockerfile)![1]!) as string[];
    const parsed = parseFlags(cmd);
    expect(parsed.problems).toEqual([]);
    expect(parsed.overrides.host).toBe('0.0.0.0');
    expect(/^ENTRYPOINT \["node", "bin\/bouncer\.mjs"\]$/m.test(dockerfile)).toBe(true);
  });
});
