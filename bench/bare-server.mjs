/**
 * The library ceiling for the benchmark: a bare smtp-server that accepts every message and
 * discards it, with the options Bouncer's listener uses (listener.ts) and without the 100 ms
 * early-talker pause smtp-server hard-codes before each greeting (Bouncer's adapter makes
 * that pause a profile setting, 0 in gmail-mx). Prints `listening <port>` when ready.
 *
 *   node bench/bare-server.mjs [port]
 */
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

class NoPause extends SMTPConnection {
  init() {
    this._setListeners(() => this.connectionReady());
  }
}

class BareServer extends SMTPServer {
  connect(socket, socketOptions) {
    const connection = new NoPause(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', () => undefined);
    connection.init();
  }
}

const server = new BareServer({
  name: 'mx.google.com',
  hideENHANCEDSTATUSCODES: true,
  hideDSN: true,
  hideREQUIRETLS: true,
  disableReverseLookup: true,
  authOptional: true,
  allowInsecureAuth: true,
  maxAllowedUnauthenticatedCommands: false,
  socketTimeout: 300_000,
  closeTimeout: 2000,
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback());
  },
});
server.on('error', () => undefined);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
