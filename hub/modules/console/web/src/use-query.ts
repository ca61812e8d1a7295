import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from './session.tsx';

export type QueryState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; data: T }
  | { status: 'error'; error: unknown };

/**
 * A GraphQL query as the signed-in inspector, run again when `key` changes (a query whose earlier
 * answer is still on its way is cancelled); `undefined` variables mean "nothing to ask yet".
 */
export function useQuery<T>(
  query: string,
  variables: Record<string, unknown> | undefined,
  key: string,
): QueryState<T> & { reload(): void } {
  const session = useSession();
  const [state, setState] = useState<QueryState<T>>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(variables);
  latest.current = variables;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the variables
  useEffect(() => {
    const vars = latest.current;
    if (!vars) {
      setState({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setState({ status: 'loading' });
    session.query<T>(query, vars, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'done', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [query, key, attempt, session.query]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
