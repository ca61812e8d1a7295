import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { ComponentInput } from './commands.js';
import type { HeldSource } from './events.js';

/** A document id as the events hold it (the documents capability's ids). */
const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;

const invalid = (reason: string, field: string) => new DossierInvalidInputError(reason, field);

export interface HeldSourceArg {
  recordEventId?: string | null;
  documentId?: string | null;
}

export interface ComponentArg {
  component: string;
  /** REUSED, UPLOADED or ASKED_AGAIN (GraphQL has checked the enum). */
  resolution: 'REUSED' | 'UPLOADED' | 'ASKED_AGAIN';
  documentId?: string | null;
  held?: HeldSourceArg | null;
}

function documentId(value: string, field: string): string {
  if (!DOCUMENT_ID.test(value)) {
    throw invalid('must be a document id: letters, digits and . _ : - (at most 128)', field);
  }
  return value;
}

function held(arg: HeldSourceArg | null | undefined, field: string): HeldSource {
  const event = arg?.recordEventId ?? null;
  const document = arg?.documentId ?? null;
  if ((event === null) === (document === null)) {
    throw invalid('name either the record event or the document the state holds', field);
  }
  if (event !== null) {
    if (!UUID.test(event)) throw invalid('must be an event id (UUID)', `${field}.recordEventId`);
    return { kind: 'record-event', eventId: event.toLowerCase() };
  }
  return { kind: 'document', documentId: documentId(document!, `${field}.documentId`) };
}

/** The components of a submission or a supplement, each resolution complete; errors name `field[i]…`. */
export function componentsOf(
  args: readonly ComponentArg[] | null | undefined,
  field: string,
): ComponentInput[] {
  return (args ?? []).map((c, i) => {
    const at = `${field}[${i}]`;
    const uploaded = () => {
      if (!c.documentId) throw invalid(`${c.resolution} needs the uploaded document`, `${at}.documentId`);
      return documentId(c.documentId, `${at}.documentId`);
    };
    switch (c.resolution) {
      case 'REUSED':
        if (c.documentId) throw invalid('a reused component has no upload', `${at}.documentId`);
        return { component: c.component, resolution: { kind: 'reused', source: held(c.held, `${at}.held`) } };
      case 'UPLOADED':
        if (c.held) throw invalid('an uploaded component names nothing the state held', `${at}.held`);
        return { component: c.component, resolution: { kind: 'uploaded', documentId: uploaded() } };
      default:
        return {
          component: c.component,
          resolution: { kind: 'asked-again', documentId: uploaded(), heldAs: held(c.held, `${at}.held`) },
        };
    }
  });
}

/** The declaration's values (a JSON object: the form's fields) and the names of its prefilled fields. */
export function declarationOf(arg: { values: unknown; prefilled?: readonly string[] | null }) {
  const { values } = arg;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw invalid("must be a JSON object of the form's fields", 'input.declaration.values');
  }
  return { values: values as Record<string, unknown>, prefilled: arg.prefilled ?? [] };
}

/** A signed electronic result: its document id and the SHA-256 of its content. */
export function electronicOf(arg: { documentId: string; contentHash: string } | null | undefined) {
  if (!arg) return null;
  const contentHash = arg.contentHash.toLowerCase();
  if (!SHA256.test(contentHash))
    throw invalid('must be 64 hex digits (SHA-256)', 'input.electronic.contentHash');
  return { documentId: documentId(arg.documentId, 'input.electronic.documentId'), contentHash };
}

/** A whole number of VND above 0 (GraphQL Float carries amounts past 2³¹). */
export function amountOf(value: number, field = 'input.amountVnd'): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw invalid('must be a whole number of VND above 0', field);
  return value;
}
