import { AuthForbiddenError, DossierNotFoundError } from '../../kernel/errors/index.js';
import type { DossierState } from './state.js';

/**
 * What an agency does to a dossier. `intake`: what the one-stop desk does — refuse at intake,
 * receive, record a supplement or a payment brought to the desk, return the result. `processing`:
 * everything the competent agency decides — assign, transfer, complete a step, ask for a
 * supplement, notify a fee, apologise, approve, reject, stop, issue the result.
 */
export type AgencyAction = 'intake' | 'processing';

/**
 * Whether `agency` may do `action` on the dossier: the agency competent for it now may do
 * anything; the agency that took it in (its desk recorded the submission, or it received the
 * dossier) may also do the desk's part after the dossier moved to another agency, since the
 * citizen deals with that desk (one-stop shop: receive there, get the result back there).
 */
export function agencyMayAct(agency: string, s: DossierState, action: AgencyAction): boolean {
  return s.agency === agency || (action === 'intake' && s.intakeAgency === agency);
}

/** A guard refusing (`AUTH_FORBIDDEN`) an agency that may not do `action` on the dossier. */
export const agencyGuard =
  (agency: string, action: AgencyAction) =>
  (s: DossierState): void => {
    if (agencyMayAct(agency, s, action)) return;
    const what = action === 'intake' ? 'is neither competent for nor took in' : 'is not competent for';
    throw new AuthForbiddenError(`agency ${agency} ${what} dossier ${s.dossierId}`);
  };

/**
 * A guard letting a citizen (by pseudonym) act only on their own dossiers; anyone else's is
 * `DOSSIER_NOT_FOUND`, so its existence is not revealed.
 */
export const applicantGuard =
  (applicant: string) =>
  (s: DossierState): void => {
    if (s.applicant !== applicant) throw new DossierNotFoundError(s.dossierId);
  };
