/**
 * The edXML codec of the document exchange (QCVN 102:2016/BTTTT): envelopes read into the internal
 * form and built from it, hostile input refused while streaming, attachments checked by SHA-256.
 * See README.md.
 */
export {
  type AttachmentDigest,
  attachmentDigest,
  verifyReferencedAttachment,
} from './attachments.js';
export { buildDocumentEnvelope, buildStatusEnvelope } from './build.js';
export { type EdxmlError, isEdxmlError } from './errors.js';
export { DSIG_NS, EDXML_NS } from './grammar.js';
export { EDXML_LIMITS, type EdxmlLimits } from './limits.js';
export { parseEdxml } from './parse.js';
export { checkDocumentEnvelope, checkStatusEnvelope, EDXML_SCHEMA_FILE } from './schema.js';
export type * from './types.js';
