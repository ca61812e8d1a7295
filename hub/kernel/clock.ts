/**
 * Where the hub reads the time. Production code takes a `Clock` (default `systemClock`) instead of
 * calling `new Date()`, so tests pass a fixed one and deciders get the time inside their commands.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock that always reads `at`. */
export function fixedClock(at: Date | string): Clock {
  const time = new Date(at).getTime();
  if (Number.isNaN(time)) throw new RangeError(`fixedClock: not a date: ${String(at)}`);
  return () => new Date(time);
}
