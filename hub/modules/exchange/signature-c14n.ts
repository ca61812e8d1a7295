import { createHash } from 'node:crypto';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { DSIG_NS } from './edxml/index.js';
import type { XmlElement } from './xml-dom.js';

/** The DOM node type xml-crypto's declarations name; xmldom's nodes are such objects (see xml-dom.ts). */
type DomNode = Parameters<ExclusiveCanonicalization['process']>[0];

/** What xml-crypto's SignedXml hands its canonicalizer for a reference or SignedInfo without inclusive prefixes. */
const OPTIONS = { defaultNsForPrefix: { ds: DSIG_NS } };
const canonicalizer = new ExclusiveCanonicalization();

/**
 * Exclusive XML canonicalization 1.0 without comments of an element where it stands in its
 * document: xml-crypto's own algorithm, with the options its SignedXml passes for a reference (one
 * exclusive-canonicalization transform, no inclusive prefixes) and for SignedInfo, so that a digest
 * or signature computed here is the one xml-crypto computes over the same element. Undefined for
 * an element xml-crypto cannot canonicalize (it refuses an empty CDATA section or processing
 * instruction, for one).
 */
export function canonicalForm(element: XmlElement): string | undefined {
  try {
    return canonicalizer.process(element as unknown as DomNode, { ...OPTIONS });
  } catch {
    return undefined;
  }
}

/** A DigestValue: SHA-256 of a canonical form, base64. */
export const digestOf = (canonical: string): string =>
  createHash('sha256').update(canonical, 'utf8').digest('base64');

/**
 * Whether a DigestValue states `digest` (both base64, read as xml-crypto reads them: decoded
 * leniently, compared as bytes).
 */
export const statesDigest = (digestValue: string, digest: string): boolean =>
  Buffer.from(digestValue, 'base64').equals(Buffer.from(digest, 'base64'));
