import { deleteUnseen, type PreviewRow, unseenToDelete } from './batch.js';
import type { StreamState } from './events.js';
import type { StreamContext } from './stream-context.js';
import type { StreamManifest } from './stream-source.js';

/**
 * Full refreshes: every run of a `full_refresh` stream, and a run of an incremental one asked for
 * one (`sync --full-refresh`). The refresh reads every row, records the keys it sees under its
 * generation, and once read to the end deletes the records of the rows it did not see
 * (`missing-from-full-refresh`). A refresh that fails part-way is continued by the next run.
 */
export interface Refresh {
  generation: string;
  /** Records the keys of rows read (in the record index; in memory for a dry run, which writes nothing). */
  saw(keys: readonly string[]): void;
  /**
   * At the end of the read (`last`: the state after its last row): deletes (a dry run: previews)
   * what the refresh did not see; returns how many and the stream's state after the refresh.
   */
  finish(last: StreamState, preview: PreviewRow[]): Promise<{ deleted: number; state: StreamState }>;
}

/**
 * The state a stream's read starts from: the saved one (forgotten when the stream's mode changed),
 * or a new refresh from the start under the run's id. A refresh left unfinished goes on.
 */
export function startingState(
  s: StreamManifest,
  table: string,
  saved: StreamState | undefined,
  refresh: boolean,
  runId: string,
): StreamState | null {
  const state = saved && saved.mode === s.mode ? saved : null;
  if ((s.mode === 'full_refresh' || refresh) && !state?.generation)
    return { stream: table, mode: s.mode, cursor: null, pk: null, generation: runId };
  return state;
}

/** The refresh a stream's read belongs to, when its state carries a generation. */
export function refreshOf(
  ctx: StreamContext,
  state: StreamState | null,
  dryRun: boolean,
): Refresh | undefined {
  const generation = state?.generation;
  if (!generation) return undefined;
  const seenDry = dryRun ? new Set<string>() : undefined;
  return {
    generation,
    saw(keys) {
      if (seenDry) for (const k of keys) seenDry.add(k);
      else ctx.index.markSeen(generation, keys);
    },
    async finish(last, preview) {
      let deleted: number;
      if (seenDry) {
        const gone = unseenToDelete(ctx, ctx.index.unseen(ctx.table, generation)).filter(
          (e) => !seenDry.has(e.sourceKey),
        );
        deleted = gone.length;
        for (const e of gone) preview.push({ sourceKey: ctx.deadLetterKey(e.sourceKey), action: 'delete' });
      } else {
        deleted = await deleteUnseen(ctx, ctx.index.unseen(ctx.table, generation));
        ctx.index.forgetGeneration(generation);
      }
      return { deleted, state: afterRefresh(last) };
    },
  };
}

/** A full_refresh stream starts again from nothing; an incremental one goes on after the refresh's last row. */
function afterRefresh(last: StreamState): StreamState {
  const { generation: _g, ...position } = last;
  return position.mode === 'full_refresh' ? { ...position, cursor: null, pk: null } : position;
}
