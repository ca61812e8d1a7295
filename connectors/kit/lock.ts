import fs from 'node:fs';
import path from 'node:path';
import { ConnectorBusyError } from '../../hub/kernel/errors/index.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
};

/** The pid holding the connector's run lock, or undefined when free (a dead holder's lock is stale). */
export function lockHolder(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** Takes the run lock (a file holding the pid); throws ConnectorBusyError while a live process holds it. */
export function acquireLock(file: string, connector: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      const holder = lockHolder(file);
      if (holder !== undefined) throw new ConnectorBusyError(connector, holder);
      fs.rmSync(file, { force: true });
    }
  }
  throw new ConnectorBusyError(connector, -1);
}
