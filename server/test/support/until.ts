/**
 * Polls `check` every 20 ms until it holds or `timeoutMs` has passed; says which. For tests
 * that wait for a background thread to start or stop (worker pools, the checkpoint thread).
 */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
