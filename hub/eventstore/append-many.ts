import { HubError } from '../kernel/errors/index.js';
import type { AppendOutcome, AppendRequest, AppendResult } from '../kernel/event-store.js';

/**
 * `appendMany` for backends without a batch commit: every request issued at once as its own
 * append. A request's HubError becomes its outcome; any other error rejects the call.
 */
export function appendEach(
  requests: readonly AppendRequest[],
  append: (request: AppendRequest) => Promise<AppendResult>,
): Promise<AppendOutcome[]> {
  return Promise.all(
    requests.map((r) =>
      append(r).catch((error: unknown) => {
        if (error instanceof HubError) return error;
        throw error;
      }),
    ),
  );
}
