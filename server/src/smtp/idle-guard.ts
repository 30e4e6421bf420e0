/**
 * The idle timeout counts from the last complete command line (or the last chunk of message
 * data), not from the last byte. smtp-server's timeout is the socket's, which any byte
 * re-arms: a client trickling one byte of a never-ending line every few seconds (slowloris)
 * would hold its connection, and a slot under smtp.maxConnections, forever. This guard fires
 * the connection's own timeout path (the profile's idle-timeout reply, 451 4.4.2) once
 * `timeoutMs` pass without progress. One timer per connection, re-armed only when it fires.
 */
export class IdleGuard {
  private last = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.arm(timeoutMs);
  }

  /** A command line or a chunk of data arrived. */
  progress(): void {
    this.last = Date.now();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const idle = Date.now() - this.last;
      if (idle >= this.timeoutMs) {
        // re-armed, as smtp-server re-arms its own: the connection may be waiting for us
        this.arm(this.timeoutMs);
        this.onIdle();
      } else this.arm(this.timeoutMs - idle);
    }, ms);
    this.timer.unref();
  }
}
