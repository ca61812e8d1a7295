import type { ReadModelDb } from '../../kernel/read-model.js';
import { getAgency, resolveSuccessor } from '../agencies/index.js';
import type { OrganRegistry } from './routing.js';

/** The agency registry (the `agencies` read model) as routing asks it. */
export const registryOver = (db: ReadModelDb): OrganRegistry => ({
  resolve(organCode, onDate) {
    const { agency, hops } = resolveSuccessor(db, organCode, onDate);
    return { ...(agency ? { organCode: agency.organCode } : {}), hops };
  },
  parentOf: (organCode) => getAgency(db, organCode)?.parentOrganCode,
});
