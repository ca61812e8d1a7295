import type { DocumentSummary, StatusSummary, TraceEntry } from './events.js';

/** An envelope read and checked (limits, schema), as the exchange needs it. */
export interface ReadEnvelope {
  kind: 'document' | 'status';
  documentId: string;
  /** SHA-256 (hex) of the signed content, trace left out. */
  messageKey: string;
  fromOrgan: string;
  /** YYYY-MM-DD: the document's promulgation date (for a status, the answered document's). */
  documentDate: string;
  trace: TraceEntry[];
  document?: DocumentSummary;
  status?: StatusSummary;
}

/** Who signed an envelope, once its signature and certificate are verified. */
export interface EnvelopeSigner {
  organCode: string;
  certificateSha256: string;
}

/**
 * What the exchange does with envelope bytes (edXML codec and XML-DSig, `envelopes.ts`): each
 * function throws the codec's or the signature's typed errors.
 */
export interface EnvelopePort {
  /** Parses with the hostile-input limits and validates the internal form. */
  read(bytes: Buffer): ReadEnvelope;
  /** Verifies the XML-DSig signature and the certificate (chain, validity at `at`, registered for the From organ). */
  verify(bytes: Buffer, at: Date): EnvelopeSigner;
  /** The same envelope with one more trace entry (outside the signed parts). */
  appendTrace(bytes: Buffer, entry: TraceEntry): Buffer;
}
