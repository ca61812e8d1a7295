/**
 * Every error the hub raises on purpose, grouped by area (one file per area in hub/kernel/errors/). Each
 * carries a stable `code` (`<AREA>_<WHAT>`), an HTTP status for the API layer and structured details;
 * none carries personal data in its message.
 */
export abstract class HubError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Classification used by connectors and retries. */
  readonly retryable: boolean = false;

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details() };
  }

  /** What callers see beside code and message (`extensions` in GraphQL, `details` in HTTP bodies). */
  details(): Record<string, unknown> {
    return {};
  }
}

/** How `defineError` builds an error class. `D` is the typed details every instance carries as fields. */
export interface ErrorSpec<
  C extends string,
  S extends number,
  D extends Record<string, unknown>,
  A extends unknown[],
> {
  code: C;
  status: S;
  /** Turns the constructor's arguments into the details; without it the constructor takes the details. */
  args?: (...args: A) => D;
  message: (details: D) => string;
  /** What `details()` shows; by default every detail. Use it to keep internal facts out of answers. */
  expose?: (details: D) => Record<string, unknown>;
  retryable?: boolean;
}

/** An instance of a class made by `defineError`: a HubError with literal code and status and typed details. */
export type DefinedError<C extends string, S extends number, D extends Record<string, unknown>> = HubError & {
  readonly code: C;
  readonly status: S;
} & Readonly<D>;

/** A class made by `defineError`: its code and status are readable without an instance. */
export interface DefinedErrorClass<
  C extends string,
  S extends number,
  D extends Record<string, unknown>,
  A extends unknown[],
> {
  new (...args: A): DefinedError<C, S, D>;
  readonly code: C;
  readonly status: S;
}

/** Shows no details (for errors whose facts are for logs, not for callers). */
export const noDetails = (): Record<string, unknown> => ({});

/**
 * Makes an error class from a code, a status and a message built from typed details. Subclass the
 * result so the error has a name of its own and `instanceof` narrows to its typed fields:
 *
 * ```ts
 * export class ConsentNotFoundError extends defineError({
 *   code: 'CONSENT_NOT_FOUND',
 *   status: 404,
 *   args: (consentId: string) => ({ consentId }),
 *   message: (d) => `consent ${d.consentId} not found`,
 * }) {}
 * ```
 *
 * Detail names must not shadow `code`, `status`, `message` or `retryable`.
 */
export function defineError<
  const C extends string,
  const S extends number,
  D extends Record<string, unknown>,
  A extends unknown[] = [details: D],
>(spec: ErrorSpec<C, S, D, A>): DefinedErrorClass<C, S, D, A> {
  class Defined extends HubError {
    static readonly code: C = spec.code;
    static readonly status: S = spec.status;
    readonly code: C = spec.code;
    readonly status: S = spec.status;
    override readonly retryable: boolean = spec.retryable ?? false;
    readonly #details: D;

    constructor(...args: A) {
      // without `args`, the one argument is the details object itself (A defaults to [details: D])
      const details = spec.args ? spec.args(...args) : (args[0] as D);
      super(spec.message(details));
      Object.assign(this, details);
      this.#details = details;
    }

    override details(): Record<string, unknown> {
      return spec.expose ? spec.expose(this.#details) : { ...this.#details };
    }
  }
  // the details are assigned as fields in the constructor: the class has the typed shape declared
  return Defined as unknown as DefinedErrorClass<C, S, D, A>;
}
