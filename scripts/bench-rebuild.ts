import type { Logger } from 'pino';
export async function benchRebuild(_o: { storeFile: string; dir: string; logger: Logger }) {
  return { projection: 'none', eps: 0, events: 0 };
}
