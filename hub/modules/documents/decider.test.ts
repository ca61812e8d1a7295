import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { type CommandMeta, DeciderSpecification } from '../../kernel/decider/index.js';
import {
  AuthForbiddenError,
  DocumentAlreadyExistsError,
  DocumentExpiredError,
  DocumentNotFoundError,
  DocumentRevokedError,
  DocumentSubjectMismatchError,
} from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { DocumentCommand } from './commands.js';
import { documentDecider } from './decider.js';
import type { DocumentDigitisedData, DocumentEvent, ElectronicResultIssuedData } from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(documentDecider, { validate: (e) => validator.validate(e) });

const SUBJECT = '0123456789abcdef0123456789abcdef';
const OTHER_SUBJECT = 'fedcba9876543210fedcba9876543210';
const DOC = '3f9d7c1e-2b4a-4e6f-8a1b-5c7d9e0f1a2b';
const WARD = { agency: '000.04.01.H26', official: 'CB-0042' };
const OTHER_WARD = { agency: '000.08.01.H26', official: 'CB-0007' };
const hash = (c: string) => c.repeat(64);

const meta = (now: string, n = 1): CommandMeta => ({
  now,
  eventId: `00000000-0000-4000-8000-00000000000${n}`,
  metadata: buildMetadata({
    occurredAt: now,
    actor: { kind: 'agency', id: WARD.agency, official: WARD.official },
    correlationId: 'c-1',
  }),
});
const event = (m: CommandMeta, type: DocumentEvent['type'], data: unknown) =>
  ({ id: m.eventId, type, data, metadata: m.metadata }) as DocumentEvent;

const digitisedData: DocumentDigitisedData = {
  documentId: DOC,
  subject: SUBJECT,
  contentHash: hash('a'),
  blobHash: hash('b'),
  size: 2048,
  mediaType: 'application/pdf',
  pages: 2,
  dossier: 'HS-2026-000123',
  componentCode: 'to-khai',
  digitisedBy: WARD,
  digitisedAt: '2026-03-02T03:00:00.000Z',
  certifiedCopy: true,
  resultType: 'birth-certificate',
};
const resultData: ElectronicResultIssuedData = {
  documentId: DOC,
  subject: SUBJECT,
  contentHash: hash('c'),
  blobHash: hash('d'),
  size: 4096,
  mediaType: 'application/pdf',
  pages: 1,
  resultType: 'judicial-record-certificate',
  dossier: 'HS-2026-000200',
  issuer: '000.00.00.H26',
  issuedAt: '2026-03-01T00:00:00.000Z',
  validUntil: '2026-09-01T00:00:00.000Z',
  signature: 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.c2ln',
  signedWith: { kid: '000.00.00.H26#abc', alg: 'ES256' },
  recordedBy: { agency: '000.00.00.H26', official: 'CB-1' },
};

const digitiseAt = meta('2026-03-02T03:00:00.000Z', 1);
const digitise: DocumentCommand = { type: 'DigitiseDocument', data: digitisedData, meta: digitiseAt };
const digitised = event(digitiseAt, 'DocumentDigitised', digitisedData);
const issueAt = meta('2026-03-02T03:00:00.000Z', 2);
const issued = event(issueAt, 'ElectronicResultIssued', resultData);

const reuse = (
  now: string,
  over: Partial<{ subject: string; dossier: string; componentCode: string }> = {},
) => {
  const m = meta(now, 3);
  const data = {
    documentId: DOC,
    subject: SUBJECT,
    dossier: 'HS-2026-000999',
    componentCode: 'giay-khai-sinh',
    reusedBy: OTHER_WARD,
    ...over,
  };
  return { command: { type: 'ReuseDocument', data, meta: m } as DocumentCommand, m, data };
};
const reusedEvent = (now: string, sourceEventId: string) => {
  const { m, data } = reuse(now);
  return event(m, 'DocumentReused', { ...data, sourceEventId, reusedAt: now });
};
const revoke = (by = WARD): DocumentCommand => ({
  type: 'RevokeDocument',
  data: { documentId: DOC, reason: 'issued in error', revokedBy: by },
  meta: meta('2026-03-05T00:00:00.000Z', 4),
});

describe('the documents decider', () => {
  it('records a digitised component once; the same recording again appends nothing', () => {
    given([]).when(digitise).then([digitised]);
    const retried = meta('2026-03-02T03:05:00.000Z', 5);
    given([digitised])
      .when({ type: 'DigitiseDocument', data: { ...digitisedData, digitisedAt: retried.now }, meta: retried })
      .thenNothing();
  });

  it('refuses other content under an id already taken', () => {
    given([digitised])
      .when({
        type: 'DigitiseDocument',
        data: { ...digitisedData, contentHash: hash('e') },
        meta: digitiseAt,
      })
      .thenThrows(DocumentAlreadyExistsError, (e) => e.documentId === DOC);
    given([digitised])
      .when({ type: 'RecordElectronicResult', data: resultData, meta: issueAt })
      .thenThrows(DocumentAlreadyExistsError);
  });

  it('records an electronic result; the same signed result again appends nothing', () => {
    given([]).when({ type: 'RecordElectronicResult', data: resultData, meta: issueAt }).then([issued]);
    given([issued])
      .when({ type: 'RecordElectronicResult', data: resultData, meta: meta('2026-03-03T00:00:00.000Z', 6) })
      .thenNothing();
    const resigned = { ...resultData, signature: 'eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.b3RoZXI' };
    given([issued]).when({ type: 'RecordElectronicResult', data: resigned, meta: issueAt }).thenNothing();
    const otherValidity = { ...resultData, validUntil: '2027-01-01T00:00:00.000Z' };
    given([issued])
      .when({ type: 'RecordElectronicResult', data: otherValidity, meta: issueAt })
      .thenThrows(DocumentAlreadyExistsError);
  });

  it('lets a document serve a component of another dossier of the same subject, once', () => {
    const now = '2026-03-04T00:00:00.000Z';
    given([issued])
      .when(reuse(now).command)
      .then([reusedEvent(now, issued.id)]);
    given([issued, reusedEvent(now, issued.id)])
      .when(reuse(now).command)
      .thenNothing();
    // the dossier and component it was digitised for are already satisfied by it
    given([digitised])
      .when(
        reuse(now, { dossier: digitisedData.dossier, componentCode: digitisedData.componentCode }).command,
      )
      .thenNothing();
  });

  it('refuses reuse of an unknown, revoked, expired or other subject’s document', () => {
    const now = '2026-03-04T00:00:00.000Z';
    given([]).when(reuse(now).command).thenThrows(DocumentNotFoundError);
    given([issued])
      .when(reuse(now, { subject: OTHER_SUBJECT }).command)
      .thenThrows(DocumentSubjectMismatchError);
    given([issued])
      .when(reuse('2026-09-01T00:00:00.000Z').command)
      .thenThrows(DocumentExpiredError, (e) => e.validUntil === resultData.validUntil);
    const revoked = event(meta('2026-03-03T00:00:00.000Z', 7), 'DocumentRevoked', {
      documentId: DOC,
      subject: SUBJECT,
      reason: 'issued in error',
      revokedBy: resultData.recordedBy,
      revokedAt: '2026-03-03T00:00:00.000Z',
    });
    given([issued, revoked]).when(reuse(now).command).thenThrows(DocumentRevokedError);
  });

  it('lets only the issuing or digitising agency revoke, once', () => {
    const command = revoke();
    const m = command.meta;
    const revoked = event(m, 'DocumentRevoked', {
      documentId: DOC,
      subject: SUBJECT,
      reason: 'issued in error',
      revokedBy: WARD,
      revokedAt: m.now,
    });
    given([digitised]).when(command).then([revoked]);
    given([digitised, revoked]).when(command).thenNothing();
    given([digitised]).when(revoke(OTHER_WARD)).thenThrows(AuthForbiddenError);
    given([issued]).when(revoke()).thenThrows(AuthForbiddenError);
    given([]).when(revoke()).thenThrows(DocumentNotFoundError);
  });
});
