import type { Command } from '../../kernel/decider/index.js';
import type {
  ActingOfficial,
  DocumentDigitisedData,
  DocumentRevokedData,
  ElectronicResultIssuedData,
} from './events.js';

/** Record a digitised component whose content is already in the file store. */
export type DigitiseDocument = Command<'DigitiseDocument', DocumentDigitisedData>;

/** Record an electronic result whose signature the service has verified and whose content is stored. */
export type RecordElectronicResult = Command<'RecordElectronicResult', ElectronicResultIssuedData>;

/**
 * Let the document satisfy a component of another dossier. `subject` is the new dossier's data
 * subject: a document serves only its own subject's dossiers.
 */
export type ReuseDocument = Command<
  'ReuseDocument',
  { documentId: string; subject: string; dossier: string; componentCode: string; reusedBy: ActingOfficial }
>;

/** Withdraw the document; only the agency that issued (or digitised) it may. */
export type RevokeDocument = Command<
  'RevokeDocument',
  Pick<DocumentRevokedData, 'documentId' | 'reason' | 'revokedBy'>
>;

export type DocumentCommand = DigitiseDocument | RecordElectronicResult | ReuseDocument | RevokeDocument;
