/**
 * A command piped into a reader that stops early (`… | head`) ends quietly: once stdout's reader is
 * gone there is no one to tell, so the process exits with the status it would have had, instead of
 * crashing on EPIPE with a stack trace.
 */
export function exitQuietlyWhenStdoutCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}
