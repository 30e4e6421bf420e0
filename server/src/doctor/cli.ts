/**
 * `bouncer doctor`: the diagnosis checklist from the command line, against the DNS world of
 * the config (`-c`) or, with `--resolver`, a real DNS server.
 */
import { parseArgs } from 'node:util';
import { buildConfig, ConfigError, overridesFromEnv } from '../config/load.js';
import { RealDnsWorld } from '../dns/real-world.js';
import type { DnsWorld } from '../dns/world.js';
import { buildDnsWorld, profileProblems } from '../main.js';
import { loadProfiles, ProfileError } from '../policy/profile.js';
import { CHECKS } from '../policy/rules/index.js';
import { BUILTIN_PROFILE_DIR } from '../util/paths.js';
import { DoctorInputError, formatReport, runDoctor } from './doctor.js';

export const DOCTOR_HELP = `bouncer doctor — the checks Gmail would run on a sender, without sending mail

Usage: bouncer doctor --ip <address> --helo <name> --from <address> [options]

  --ip <address>          the sending IP address (IPv4 or IPv6)
  --helo <name>           the name the sending server gives in EHLO
  --from <address>        the sender address (MAIL FROM and From)
  --dkim-selector <s>     check the DKIM key at <s>._domainkey.<from domain>
  --resolver <ip[:port]>  ask this DNS server (e.g. 127.0.0.1:5353) instead of the DNS world
  -c, --config <file>     config whose dns.records are the DNS world (default: BOUNCER_CONFIG)
      --profile <name>    the profile whose replies are shown (default gmail-mx)
      --json              print the report as JSON (the same as POST /api/v1/doctor)
  -h, --help              this text

Steps: EHLO name form, PTR, forward confirmation, EHLO vs PTR, SPF for the IP, DKIM key and
its size, DMARC record and policy; each PASS / FAIL / WARN with the Gmail reply it would cause
and the fix, then a verdict. Exit status: 0 Gmail would accept, 1 it would refuse, 2 usage or
configuration error.
`;

export async function doctorMain(argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ip: { type: 'string' },
        helo: { type: 'string' },
        from: { type: 'string' },
        'dkim-selector': { type: 'string' },
        resolver: { type: 'string' },
        config: { type: 'string', short: 'c' },
        profile: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    err.write(`bouncer doctor: ${(e as Error).message}\n\n${DOCTOR_HELP}`);
    return 2;
  }
  if (values.help) {
    out.write(DOCTOR_HELP);
    return 0;
  }
  const missing = (['ip', 'helo', 'from'] as const).filter((k) => !values[k]).map((k) => `--${k}`);
  if (missing.length) {
    err.write(`bouncer doctor: missing ${missing.join(', ')}\n\n${DOCTOR_HELP}`);
    return 2;
  }
  try {
    const config = buildConfig(overridesFromEnv(env), { config: values.config, ports: {} }, {}, profileProblems);
    const profiles = loadProfiles([BUILTIN_PROFILE_DIR, ...config.profileDirs], new Set(CHECKS.keys()));
    const profileName = values.profile ?? 'gmail-mx';
    const profile = profiles.get(profileName);
    if (!profile) throw new ConfigError([`--profile: no profile "${profileName}" (available: ${[...profiles.keys()].join(', ')})`]);
    let world: DnsWorld;
    let label: string;
    if (values.resolver) {
      world = new RealDnsWorld(values.resolver);
      label = `DNS server ${values.resolver}`;
    } else {
      world = buildDnsWorld(config);
      label = 'the DNS world';
    }
    const report = await runDoctor({ ip: values.ip!, helo: values.helo!, from: values.from!, dkimSelector: values['dkim-selector'] }, world, profile, label);
    out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.verdict.status === 'fail' ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ProfileError) {
      err.write(`bouncer doctor: invalid configuration\n${e.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 2;
    }
    if (e instanceof DoctorInputError || /--resolver/.test((e as Error).message)) {
      err.write(`bouncer doctor: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
