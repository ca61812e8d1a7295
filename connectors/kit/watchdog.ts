/**
 * `work`, or the error `onExpiry` makes when it has not settled within `ms`. A pending deadline is
 * kept in `timers` (when given) so its owner can cancel it.
 */
export function within<R>(
  work: Promise<R>,
  ms: number,
  onExpiry: () => Error,
  timers?: Set<NodeJS.Timeout>,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      timers?.delete(timer);
      reject(onExpiry());
    }, ms);
    timers?.add(timer);
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      timers?.delete(timer);
    });
  });
}

/**
 * The watchdog on a source's progress: each batch must arrive within `idleMs` of being asked for,
 * or `controller` is aborted with `timeout()` (a source honouring its read signal drops its
 * connection) and the wait rejects with that error. Batches are asked for one after another, so a
 * batch asked for ahead of time starts its clock only when the source starts on it. `return()`
 * aborts a read still pending (with `closed()`) and waits at most `idleMs` for the source to let go.
 */
export function watchIdle<T>(
  iterator: AsyncIterator<T>,
  options: { idleMs: number; controller: AbortController; timeout: () => Error; closed: () => Error },
): AsyncIterator<T> & { return(): Promise<IteratorResult<T>> } {
  const { idleMs, controller } = options;
  const timers = new Set<NodeJS.Timeout>();
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const expire = () => {
    if (!controller.signal.aborted) controller.abort(options.timeout());
    return controller.signal.reason as Error;
  };
  return {
    next() {
      pending++;
      const step = tail.then(() => {
        if (controller.signal.aborted) throw controller.signal.reason;
        return within(iterator.next(), idleMs, expire, timers);
      });
      tail = step.catch(() => undefined).finally(() => pending--);
      return step;
    },
    async return() {
      if (pending > 0 && !controller.signal.aborted) controller.abort(options.closed());
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = iterator.return?.();
      if (closed) {
        await within(closed, idleMs, options.closed, timers).catch(() => undefined);
        for (const t of timers) clearTimeout(t);
      }
      return { done: true, value: undefined };
    },
  };
}
