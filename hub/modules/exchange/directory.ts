import fs from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { compileSchema, parseYamlDocument } from '../../kernel/documents.js';
import { ExchangeDirectoryInvalidError } from '../../kernel/errors/index.js';

/** The public keys that verify a hub's requests. */
export type HubKeys = { jwks: { keys: Record<string, unknown>[] } } | { jwksUrl: string } | 'self';

/** One hub of the exchange (schemas/exchange-hubs.schema.json). */
export interface HubEntry {
  hubId: string;
  name: string;
  /** Base URL; envelopes go to `<url>/exchange/v1/envelopes`. */
  url: string;
  root: boolean;
  /** Organ codes the hub serves (with the organs under them that no other hub lists). */
  organs: readonly string[];
  keys: HubKeys;
}

/**
 * The hubs of the exchange and which organs each lists. Which hub serves an organ on a day also
 * needs the agency registry (routing.ts): an organ not listed is served by its nearest listed
 * ancestor's hub, else the root's.
 */
export class HubDirectory {
  readonly hubs: readonly HubEntry[];
  readonly root: HubEntry;
  private readonly byId = new Map<string, HubEntry>();
  private readonly byOrgan = new Map<string, string>();

  constructor(hubs: readonly HubEntry[], source = 'hub directory') {
    this.hubs = hubs;
    const roots = hubs.filter((h) => h.root);
    if (roots.length !== 1) {
      throw new ExchangeDirectoryInvalidError(
        source,
        '/hubs',
        `exactly one hub must be root (found ${roots.length})`,
      );
    }
    this.root = roots[0]!;
    hubs.forEach((hub, i) => {
      if (this.byId.has(hub.hubId)) {
        throw new ExchangeDirectoryInvalidError(
          source,
          `/hubs/${i}/hubId`,
          `hub ${hub.hubId} is listed twice`,
        );
      }
      this.byId.set(hub.hubId, hub);
      hub.organs.forEach((organ, j) => {
        const other = this.byOrgan.get(organ);
        if (other) {
          throw new ExchangeDirectoryInvalidError(
            source,
            `/hubs/${i}/organs/${j}`,
            `organ ${organ} is already served by hub ${other}`,
          );
        }
        this.byOrgan.set(organ, hub.hubId);
      });
    });
  }

  get(hubId: string): HubEntry | undefined {
    return this.byId.get(hubId);
  }

  /** The hub that lists the organ itself, if any. */
  listing(organCode: string): string | undefined {
    return this.byOrgan.get(organCode);
  }

  /** A directory of one root hub serving every organ: a hub that exchanges only with itself. */
  static standalone(hub: Omit<HubEntry, 'root' | 'organs' | 'keys'>): HubDirectory {
    return new HubDirectory([{ ...hub, root: true, organs: [], keys: 'self' }]);
  }
}

let validateFile: ValidateFunction | undefined;

/** Reads and checks a hub directory file (YAML or JSON). Throws EXCHANGE_DIRECTORY_INVALID with the path. */
export function readHubDirectory(file: string): HubDirectory {
  validateFile ??= compileSchema('exchange-hubs.schema.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ExchangeDirectoryInvalidError(
      file,
      '',
      `cannot be read (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  const parsed = parseYamlDocument<{ hubs: (Omit<HubEntry, 'root'> & { root?: boolean })[] }>(
    file,
    text,
    validateFile,
  );
  if (!parsed.ok) {
    const first = parsed.issues[0]!;
    throw new ExchangeDirectoryInvalidError(file, first.path || '/', first.message);
  }
  return new HubDirectory(
    parsed.value.hubs.map((h) => ({ ...h, root: h.root ?? false })),
    file,
  );
}
