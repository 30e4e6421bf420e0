/**
 * Global setup of the fixture suite: one Bouncer for every worker, found through BOUNCER_URL
 * (the fixture's attach mode), as a CI job running Bouncer as a service would. The workers
 * then share a server and rely on their tags for isolation. (The example suite covers the
 * other mode: one in-process Bouncer per worker.)
 */
import { startBouncer } from '../../src/testing/start.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bouncer = await startBouncer();
  process.env.BOUNCER_URL = bouncer.url;
  return () => bouncer.stop();
}
