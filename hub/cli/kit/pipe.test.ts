import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pipeModule = path.resolve(import.meta.dirname, 'pipe.ts');

/** Runs a script writing many lines to stdout; the test reads the first chunk and closes the pipe. */
function runAndCloseEarly(guarded: boolean): Promise<{ code: number | null; stderr: string }> {
  const script = `
    ${guarded ? `const { exitQuietlyWhenStdoutCloses } = await import(${JSON.stringify(pipeModule)}); exitQuietlyWhenStdoutCloses();` : ''}
    for (let i = 0; i < 200000; i++) console.log('line ' + i);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('exitQuietlyWhenStdoutCloses', () => {
  it('ends a command whose reader went away with status 0 and nothing on stderr', async () => {
    const { code, stderr } = await runAndCloseEarly(true);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('is what prevents the EPIPE crash (without it the same script fails)', async () => {
    const { code, stderr } = await runAndCloseEarly(false);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/EPIPE/);
  });
});
