/**
 * Preloaded into code-server and the extension host (`NODE_OPTIONS=--require …/fakeClock.js`, set by
 * `fakeClockEnv` in sandboxWorkbench.ts): moves the process's JavaScript clock by `QUAY_E2E_CLOCK_OFFSET_MS`, so that
 * `Date.now()` and `new Date()` there agree with a sandbox started with its own `now`. The clock still advances with
 * real time; timers (`setTimeout`, the monotonic clock) are untouched. Only JavaScript's `Date` moves: native code
 * (OpenSSL's certificate dates) keeps the real time.
 *
 * Why not libfaketime: VS Code's server removes `LD_PRELOAD` from the extension host's environment on Linux
 * (`removeDangerousEnvVariables`, src/vs/base/common/processes.ts), so a preloaded library never reaches it.
 */
const offset = Number(process.env['QUAY_E2E_CLOCK_OFFSET_MS'] ?? '0');

if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  const now = (): number => RealDate.now() + offset;
  globalThis.Date = new Proxy(RealDate, {
    // `new Date()` is now; `new Date(x)` and subclasses (`newTarget`) behave as before.
    construct: (target, args: unknown[], newTarget: NewableFunction) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget) as object,
    // `Date()` called as a function returns the current time as a string.
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver) as unknown),
  });
}

export {};
