import {
  ConsentExpiredError,
  ConsentRequiredError,
  ConsentWithdrawnError,
} from '../../kernel/errors/index.js';
import { statusAt } from './decider.js';
import type { ConsentView } from './projection.js';
import type { ConsentService } from './service.js';

export interface ConsentQuery {
  subject: string;
  consumer: string;
  dataset: string;
  purpose: string;
  dossier: string | null;
  /** Fields the caller asks for: all must be covered. */
  fields: readonly string[];
  now: string;
}

const covers = (c: ConsentView, q: ConsentQuery) =>
  c.purposes.includes(q.purpose) && (c.dossier === null || c.dossier === q.dossier);

const fieldsOf = (c: ConsentView, dataset: string) =>
  c.scope.find((s) => s.dataset === dataset)?.fields ?? [];

const viewStatus = (c: ConsentView, now: string) => statusAt(c, now);

/**
 * The consent that allows this release at this instant, checked against the validity window (so
 * expiry is exact) and against the consent's own stream (so a withdrawal recorded by any hub
 * replica counts from the next query). Throws CONSENT_REQUIRED / CONSENT_WITHDRAWN / CONSENT_EXPIRED.
 */
export async function requireConsent(
  consents: { find(subject: string, consumer: string): readonly ConsentView[] },
  service: Pick<ConsentService, 'verify'>,
  q: ConsentQuery,
): Promise<ConsentView> {
  const matching = consents
    .find(q.subject, q.consumer)
    .filter((c) => covers(c, q) && fieldsOf(c, q.dataset).length > 0);
  if (matching.length === 0)
    throw new ConsentRequiredError(`no consent of the citizen covers purpose ${q.purpose}`);
  const active = matching.filter((c) => viewStatus(c, q.now) === 'active');
  const complete = active.filter((c) => q.fields.every((f) => fieldsOf(c, q.dataset).includes(f)));
  for (const candidate of complete) {
    if ((await service.verify(candidate, q.now)) === 'active') return candidate;
  }
  if (active.length > complete.length) {
    throw new ConsentRequiredError('the citizen did not consent to every requested field');
  }
  const latest = [...matching].sort((a, b) => (a.grantedAt < b.grantedAt ? 1 : -1))[0]!;
  const status = active.length > 0 ? 'withdrawn' : viewStatus(latest, q.now);
  if (status === 'withdrawn') throw new ConsentWithdrawnError(active[0]?.consentId ?? latest.consentId);
  if (status === 'expired') throw new ConsentExpiredError(latest.consentId);
  throw new ConsentRequiredError('the consent is not yet valid');
}
