/**
 * Shapes that events of several modules share and that no single module owns: the roles an agency
 * may hold, the sealed form of a personal field and the stream of erasures every read model follows.
 */

/** Roles an agency's token may carry. */
export const roles = ['consumer', 'provider', 'citizen-portal', 'inspector', 'operator'] as const;
export type Role = (typeof roles)[number];

/**
 * Personal fields as they are stored in events and read models: AES-256-GCM under the subject's
 * key, bound (as additional authenticated data) to the subject and the context it was sealed for,
 * so a sealed value cannot be moved to another subject or dataset unnoticed (`hub/privacy/sealed.ts`
 * seals and opens them).
 */
export interface Sealed {
  alg: 'A256GCM';
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

/**
 * Stream category of erasures (`erasure-<subject pseudonym>`, event `SubjectErased`, written by
 * `hub/modules/erasure`): every read model that holds personal data follows it and drops the
 * subject's rows, so a rebuild never brings an erased citizen back.
 */
export const ERASURE_STREAM_CATEGORY = 'erasure';
