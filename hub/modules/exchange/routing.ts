import { ExchangeNoRouteError } from '../../kernel/errors/index.js';
import type { HubDirectory } from './directory.js';

/** One succession followed to reach the organ in force (recorded on the document's trail). */
export interface SuccessionHop {
  from: string;
  to: string;
  /** The day the successor took over. */
  on: string;
}

/** What routing needs of the agency registry (hub/modules/agencies), on a given day. */
export interface OrganRegistry {
  /**
   * The organ in force on the day that the given one is or became (successors followed, each hop
   * returned); `organCode` undefined when none is. Throws for an organ never registered.
   */
  resolve(organCode: string, onDate: string): { organCode?: string; hops: SuccessionHop[] };
  /** The organ's parent as registered, when it has one. */
  parentOf(organCode: string): string | undefined;
}

/** Where a message for one addressed organ goes from this hub. */
export interface RouteDecision {
  /** The organ as the envelope addresses it. */
  addressed: string;
  /** The organ in force on the document's date that receives it (the successor of an abolished one). */
  organCode: string;
  successorHops: SuccessionHop[];
  /** `deliver`: the organ is this hub's; `forward`: hand it to `hubId`, the next hub toward the organ. */
  action: 'deliver' | 'forward';
  hubId: string;
}

const MAX_LEVELS = 16;

/**
 * The hubs from an organ up to the root, on a day: the hub serving the organ (its own listing, else
 * its nearest listed ancestor's, else the root's), then the hubs of its ancestors, then the root —
 * consecutive repeats collapsed. Parents are followed as the registry holds them, so a commune of
 * the old map climbs through its district and a ward of the new one straight to its province.
 */
export function hubChain(directory: HubDirectory, registry: OrganRegistry, organCode: string): string[] {
  const organs: string[] = [];
  let current: string | undefined = organCode;
  while (current !== undefined && organs.length < MAX_LEVELS && !organs.includes(current)) {
    organs.push(current);
    current = registry.parentOf(current);
  }
  const chain: string[] = [];
  for (const organ of organs) {
    const hub = directory.listing(organ);
    if (hub !== undefined && chain.at(-1) !== hub) chain.push(hub);
  }
  if (chain.at(-1) !== directory.root.hubId) chain.push(directory.root.hubId);
  return chain;
}

/**
 * The next step of a message toward one addressed organ, from hub `selfHubId`, with the hierarchy
 * in force on `onDate` (the document's promulgation date): deliver when this hub serves the organ,
 * down the organ's chain when this hub is on it, otherwise up toward the root (through the hub above
 * the organs this hub serves). Across provinces that is up to the root and down again.
 */
export function routeTo(
  directory: HubDirectory,
  registry: OrganRegistry,
  input: { selfHubId: string; organCode: string; onDate: string; today?: string },
): RouteDecision {
  const { selfHubId, onDate } = input;
  const resolved = registry.resolve(input.organCode, onDate);
  if (resolved.organCode === undefined) {
    throw new ExchangeNoRouteError(
      input.organCode,
      onDate,
      'the organ is not in force on that day and has no successor that is',
    );
  }
  const organCode = resolved.organCode;
  const base = { addressed: input.organCode, organCode, successorHops: resolved.hops };
  const chain = hubChain(directory, registry, organCode);
  const at = chain.indexOf(selfHubId);
  if (at === 0) {
    const receiver = deliverable(registry, base, input.today);
    if (
      receiver.organCode === organCode ||
      hubChain(directory, registry, receiver.organCode)[0] === selfHubId
    ) {
      return { ...receiver, action: 'deliver', hubId: selfHubId };
    }
    // the successor is another hub's: on from here with today's levels
    const onward = routeTo(directory, registry, {
      selfHubId,
      organCode: receiver.organCode,
      onDate: input.today!,
    });
    return { ...onward, addressed: input.organCode, successorHops: receiver.successorHops };
  }
  if (at > 0) return { ...base, action: 'forward', hubId: chain[at - 1]! };
  const up = upwardHub(directory, registry, selfHubId);
  if (up === undefined)
    throw new ExchangeNoRouteError(organCode, onDate, `hub ${selfHubId} has no hub above it`);
  return { ...base, action: 'forward', hubId: up };
}

/**
 * The organ that receives a delivery today: the organ in force on the document's date, or — when it
 * has been abolished since (a commune merged on 1 July 2025 that an older document was addressed
 * to) — its successor in force today, the hops recorded. The route still followed the levels of the
 * document's date; only the inbox is today's.
 */
function deliverable(
  registry: OrganRegistry,
  base: Omit<RouteDecision, 'action' | 'hubId'>,
  today: string | undefined,
): Omit<RouteDecision, 'action' | 'hubId'> {
  if (today === undefined) return base;
  const now = registry.resolve(base.organCode, today);
  if (now.organCode === undefined || now.organCode === base.organCode) return base;
  return { ...base, organCode: now.organCode, successorHops: [...base.successorHops, ...now.hops] };
}

/** The hub above `hubId`: the next hub on the chain of an organ it serves; the root when it lists none. */
export function upwardHub(
  directory: HubDirectory,
  registry: OrganRegistry,
  hubId: string,
): string | undefined {
  if (hubId === directory.root.hubId) return undefined;
  const self = directory.get(hubId);
  for (const organ of self?.organs ?? []) {
    const chain = hubChain(directory, registry, organ);
    const at = chain.indexOf(hubId);
    if (at >= 0 && at + 1 < chain.length) return chain[at + 1];
  }
  return directory.root.hubId;
}
