import { cursorInstant } from './cursor-time.js';

/** The counts of the last run of a source (so far, while it runs). */
export interface RunSummary {
  runId: string;
  outcome: 'running' | 'completed' | 'failed';
  startedAt: string;
  endedAt: string | null;
  read: number;
  rejected: number;
  rejectedAgain: number;
  quarantined: number;
}

/** live: the source's runs, measured at `now`. */
export interface LiveFigures {
  runs: number;
  failedRuns: number;
  lastRun: { runId: string; startedAt: string; outcome: RunSummary['outcome'] } | null;
  lastSuccess: { runId: string; at: string } | null;
  lastFailure: { runId: string; at: string; code: string | null } | null;
  /** Hours from `ageFrom` to now. */
  syncAgeHours: number | null;
  /** What the sync age counts from: the last successful run, or (never successful) the first run. */
  ageFrom: string | null;
  /** The newest change time the last successful run saw (its streams' cursors; the oldest stream's). */
  sourceChangedAt: string | null;
  /** Hours from `sourceChangedAt` to the last successful run (0 when the cursor is ahead). */
  sourceLagHours: number | null;
}

/** A connector's row of `dq_runs`. */
export interface RunRow {
  runs: number;
  failed_runs: number;
  first_run_at: string;
  last_run_id: string;
  last_started_at: string;
  last_outcome: RunSummary['outcome'];
  last_ended_at: string | null;
  last_counts: string | null;
  success_run_id: string | null;
  success_at: string | null;
  success_states: string | null;
  failure_run_id: string | null;
  failure_at: string | null;
  failure_code: string | null;
}

const HOUR_MS = 3_600_000;

/** The live figures of a source from its runs, at `now`; `streams` are its streams feeding the dataset. */
export function liveOf(run: RunRow | undefined, streams: readonly string[], now: Date): LiveFigures {
  if (!run) {
    const none = { lastRun: null, lastSuccess: null, lastFailure: null };
    const figures = { syncAgeHours: null, ageFrom: null, sourceChangedAt: null, sourceLagHours: null };
    return { runs: 0, failedRuns: 0, ...none, ...figures };
  }
  const successAt = run.success_at ? Date.parse(run.success_at) : null;
  const since = successAt ?? Date.parse(run.first_run_at);
  let changed: Date | null = null;
  if (successAt !== null) {
    const states = JSON.parse(run.success_states ?? '[]') as {
      stream: string;
      cursor: string | number | null;
    }[];
    for (const s of states) {
      if (!streams.includes(s.stream)) continue;
      const at = cursorInstant(s.cursor);
      if (at && (!changed || at < changed)) changed = at;
    }
  }
  return {
    runs: run.runs,
    failedRuns: run.failed_runs,
    lastRun: { runId: run.last_run_id, startedAt: run.last_started_at, outcome: run.last_outcome },
    lastSuccess: run.success_run_id ? { runId: run.success_run_id, at: run.success_at! } : null,
    lastFailure: run.failure_run_id
      ? { runId: run.failure_run_id, at: run.failure_at!, code: run.failure_code }
      : null,
    syncAgeHours: Math.max(0, now.getTime() - since) / HOUR_MS,
    ageFrom: new Date(since).toISOString(),
    sourceChangedAt: changed?.toISOString() ?? null,
    sourceLagHours:
      changed && successAt !== null ? Math.max(0, successAt - changed.getTime()) / HOUR_MS : null,
  };
}
