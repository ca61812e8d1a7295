/** What the parser reads at most; past any of them the envelope is refused before it is read further. */
export interface EdxmlLimits {
  /** Bytes of the envelope (UTF-8), checked before parsing. */
  maxBytes: number;
  /** Nesting of elements (the document element is depth 1). */
  maxDepth: number;
  /** Elements in all, `ds:Signature`'s included. */
  maxElements: number;
  /** Manifest references, and inline attachments, each. */
  maxAttachments: number;
  /** Decoded bytes of one inline attachment, checked before decoding. */
  maxAttachmentBytes: number;
}

const MiB = 1024 * 1024;

/** The defaults: an envelope carries a few scanned documents (a 10 MiB one takes 13.4 MiB in base64). */
export const EDXML_LIMITS: Readonly<EdxmlLimits> = Object.freeze({
  maxBytes: 20 * MiB,
  maxDepth: 32,
  maxElements: 20_000,
  maxAttachments: 50,
  maxAttachmentBytes: 10 * MiB,
});
