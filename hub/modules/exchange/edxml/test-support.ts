import fs from 'node:fs';
import { expect } from 'vitest';
import { buildDocumentEnvelope, buildStatusEnvelope } from './build.js';
import { type EdxmlError, isEdxmlError } from './errors.js';
import type { EdxmlLimits } from './limits.js';
import { parseEdxml } from './parse.js';
import type { ParsedEdxml } from './types.js';

/** What the codec's tests share: the sample envelopes and a way to look at what was thrown. */

const SAMPLES = new URL('./samples/', import.meta.url);

/** The sample envelopes' file names, sorted. */
export const sampleNames = (): string[] => fs.readdirSync(SAMPLES).sort();

/** A sample envelope's bytes. */
export const sample = (name: string): Buffer => fs.readFileSync(new URL(name, SAMPLES));

/** The envelope a parse result builds again. */
export const rebuild = (parsed: ParsedEdxml): string =>
  parsed.kind === 'document'
    ? buildDocumentEnvelope(parsed.document, parsed.attachments)
    : buildStatusEnvelope(parsed.status);

/** What `fn` throws; fails when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

/** The samples most tests change, as text. */
export const NEW = sample('document-new.xml').toString('utf8');
export const STATUS = sample('status-01.xml').toString('utf8');
export const SDK = sample('document-sdk-form.xml').toString('utf8');
/** The XML-DSig namespace declaration, for signatures written into a sample. */
export const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';

/** `xml` with `before` replaced by `after` (which must be there). */
export function edit(xml: string, before: string | RegExp, after: string): string {
  const changed = xml.replace(before, after);
  if (changed === xml) throw new Error(`no ${before} in the sample`);
  return changed;
}

/** The text of `xml` from `from` up to `to`. */
export const between = (xml: string, from: string, to: string): string =>
  xml.slice(xml.indexOf(from), xml.indexOf(to));

/** The error parsing `input` throws: one of the codec's, with a reason (anything else is rethrown). */
export function refusal(input: string | Uint8Array, limits?: Partial<EdxmlLimits>): EdxmlError {
  const error = thrown(() => parseEdxml(input, limits));
  if (!isEdxmlError(error)) throw error;
  expect(typeof error.reason).toBe('string');
  return error;
}
