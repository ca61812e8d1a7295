import { auditLogProjection } from '../modules/audit/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub, type TestHubOptions } from './hub.js';

/** A purpose the demo contract `c06-to-ba-dinh-birth-registration` allows without consent. */
export const BIRTH_REGISTRATION = 'tthc-1.001193';

/** A test hub that also keeps the `audit-log` read model (the audit module's tree). */
export function startAuditedHub(options: TestHubOptions = {}): Promise<TestHub> {
  return startTestHub({
    citizens: 12,
    ...options,
    projections: [...(options.projections ?? API_PROJECTIONS), auditLogProjection],
  });
}

/**
 * `count` reads of citizens' population records by Phường Ba Đình through the API, round robin over
 * the citizens from `from`: releases, and every fourth a field outside the contract (a refusal);
 * each is an access event of the audit log. Waits until the read models have them.
 */
export async function makeAccesses(hub: TestHub, count: number, from = 0): Promise<void> {
  const token = await hub.token(AGENCIES.baDinh, 'consumer');
  for (let i = 0; i < count; i++) {
    const pid = hub.citizens[(from + i) % hub.citizens.length]!.personalId as string;
    const fields = i % 4 === 3 ? 'fullName household { householdId }' : 'fullName dateOfBirth';
    await hub.gql(token, `{ person(personalId: "${pid}", purpose: "${BIRTH_REGISTRATION}") { ${fields} } }`);
  }
  await hub.settle();
}

/** The export bundle of the hub's log, whole. */
export async function exportBundle(hub: TestHub): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const line of hub.app.audit.service.bundle()) parts.push(line);
  return Buffer.concat(parts);
}
