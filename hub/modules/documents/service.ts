import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  aggregateStream,
  appendedEvents,
  handleCommand,
  newCommandMeta,
} from '../../kernel/decider/index.js';
import { DocumentNotFoundError, SubjectErasedError } from '../../kernel/errors/index.js';
import { deterministicId, type IdSource, randomId } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import type { Principal } from '../../kernel/principal.js';
import { accessStream, StreamAppender } from '../access/index.js';
import { getAgency, vietnamDate } from '../agencies/index.js';
import {
  accessRecord,
  authorise,
  DEFAULT_PURPOSES,
  type DossierAgencies,
  type ExistingDocument,
} from './access.js';
import type { DocumentCommand } from './commands.js';
import { DocumentContent } from './content.js';
import { documentDecider } from './decider.js';
import {
  DOCUMENTS_NAMESPACE,
  type DocumentAccessed,
  type DocumentDigitisedData,
  documentStream,
  type ResultType,
} from './events.js';
import { type DocumentInputRules, documentInputRules, requireFits } from './input.js';
import { allowedMediaType, checkContent, DEFAULT_MAX_DOCUMENT_BYTES } from './media.js';
import { DocumentsReadModel } from './projection.js';
import { type EarlierResult, findResults } from './queries.js';
import { type VerifiedResult, verifyResultSignature } from './result-signature.js';
import { checkRecordable, registeredKeys } from './results.js';
import type { DigitiseInput, DocumentActor, DocumentServiceDeps, ResultInput } from './types.js';

/**
 * The documents of dossiers: digitised components and signed electronic results, their content in
 * the file store under the subject's key, their events on `document-<id>`, reuse in later dossiers,
 * revocation, and downloads recorded on the subject's access stream before the bytes leave.
 */
export class DocumentService {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly model: DocumentsReadModel;
  private readonly content: DocumentContent;
  private readonly input: DocumentInputRules;
  private readonly appender: StreamAppender;
  private dossierAgencies: DossierAgencies | undefined;
  readonly maxBytes: number;

  constructor(private readonly deps: DocumentServiceDeps) {
    this.log = moduleLogger(deps.logger, 'documents');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
    this.maxBytes = deps.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    this.model = new DocumentsReadModel(deps.readModels);
    this.input = documentInputRules(deps.eventSchemas);
    this.appender = new StreamAppender(deps.store);
    this.content = new DocumentContent({
      blobs: deps.blobs,
      keys: deps.keys,
      log: this.log,
      onIntegrityFailure: deps.onIntegrityFailure,
    });
  }

  /** Lets the module that keeps dossiers say which agencies handle a dossier (for authorisation). */
  useDossierAgencies(lookup: DossierAgencies): void {
    this.dossierAgencies = lookup;
  }

  /** Stores a digitised component (encrypted under the subject's key) and records DocumentDigitised. */
  async digitise(by: DocumentActor, input: DigitiseInput): Promise<ExistingDocument> {
    const mediaType = allowedMediaType(input.mediaType);
    const pages = input.pages ?? 1;
    requireFits(this.input.subject, 'subject', input.subject);
    requireFits(this.input.dossier, 'dossier', input.dossier);
    requireFits(this.input.componentCode, 'componentCode', input.componentCode);
    const resultType = requireFits(
      this.input.resultType,
      'resultType',
      input.resultType ?? null,
    ) as ResultType | null;
    checkContent(mediaType, input.content, { maxBytes: this.maxBytes, pages });
    const now = this.clock();
    const { contentHash, blobHash } = await this.content.put(input.subject, input.content);
    const documentId = deterministicId(
      DOCUMENTS_NAMESPACE,
      'digitised',
      by.agency,
      input.subject,
      input.dossier,
      input.componentCode,
      contentHash,
    );
    const data: DocumentDigitisedData = {
      documentId,
      subject: input.subject,
      contentHash,
      blobHash,
      size: input.content.length,
      mediaType,
      pages,
      dossier: input.dossier,
      componentCode: input.componentCode,
      digitisedBy: { agency: by.agency, official: by.official },
      digitisedAt: now.toISOString(),
      certifiedCopy: input.certifiedCopy ?? false,
      resultType,
    };
    return this.run(by, documentId, now, (meta) => ({ type: 'DigitiseDocument', data, meta }));
  }

  /**
   * Records an electronic result the issuing agency signed: verifies the JWS against the agency's
   * registered public keys, checks the content against its `contentHash`, stores the content
   * encrypted, records ElectronicResultIssued. The same signed result again records nothing.
   */
  async issueResult(by: DocumentActor, input: ResultInput): Promise<ExistingDocument> {
    const mediaType = allowedMediaType(input.mediaType);
    const pages = input.pages ?? 1;
    checkContent(mediaType, input.content, { maxBytes: this.maxBytes, pages });
    const verified = await this.verifyResult(input.signature);
    const now = this.clock();
    const { claims } = verified;
    checkRecordable(claims, input.content, now, (organCode) => getAgency(this.deps.readModels, organCode));
    const issuedAt = new Date(claims.issuedAt);
    const { blobHash } = await this.content.put(claims.subject, input.content);
    // from what was signed, not the signature's bytes: ES256 signs the same claims differently each time
    const documentId = deterministicId(
      DOCUMENTS_NAMESPACE,
      'result',
      claims.issuer,
      claims.subject,
      claims.dossier,
      claims.resultType,
      claims.contentHash,
      issuedAt.toISOString(),
    );
    const data = {
      documentId,
      subject: claims.subject,
      contentHash: claims.contentHash,
      blobHash,
      size: input.content.length,
      mediaType,
      pages,
      resultType: claims.resultType,
      dossier: claims.dossier,
      issuer: claims.issuer,
      issuedAt: issuedAt.toISOString(),
      validUntil: claims.validUntil ? new Date(claims.validUntil).toISOString() : null,
      signature: input.signature,
      signedWith: { kid: verified.kid, alg: verified.alg },
      recordedBy: { agency: by.agency, official: by.official },
    };
    return this.run(by, documentId, now, (meta) => ({ type: 'RecordElectronicResult', data, meta }));
  }

  /**
   * Lets an earlier document satisfy a component of another dossier of the same subject, recording
   * DocumentReused (once per dossier and component). Returns the event that records the reuse (or
   * the document's own event, when it was made for that very component).
   */
  async reuse(
    by: DocumentActor,
    input: { documentId: string; subject: string; dossier: string; componentCode: string },
  ): Promise<{ eventId: string; document: ExistingDocument }> {
    requireFits(this.input.dossier, 'dossier', input.dossier);
    requireFits(this.input.componentCode, 'componentCode', input.componentCode);
    // an erased citizen's documents serve no new dossier (and their read-model rows stay gone)
    if (this.deps.keys.isErased(input.subject)) throw new SubjectErasedError(input.subject);
    const reusedBy = { agency: by.agency, official: by.official };
    const after = await this.run(by, input.documentId, this.clock(), (meta) => ({
      type: 'ReuseDocument',
      data: { ...input, reusedBy },
      meta,
    }));
    const use = after.uses.find(
      (u) => u.dossier === input.dossier && u.componentCode === input.componentCode,
    );
    return { eventId: use?.eventId ?? after.sourceEventId, document: after };
  }

  /** Revokes a document (only its issuing or digitising agency may); it then satisfies nothing. */
  revoke(by: DocumentActor, input: { documentId: string; reason: string }): Promise<ExistingDocument> {
    requireFits(this.input.reason, 'reason', input.reason);
    const revokedBy = { agency: by.agency, official: by.official };
    return this.run(by, input.documentId, this.clock(), (meta) => ({
      type: 'RevokeDocument',
      data: { ...input, revokedBy },
      meta,
    }));
  }

  /**
   * The document as its stream says (authoritative). DOCUMENT_NOT_FOUND when there is none,
   * PRIVACY_SUBJECT_ERASED once its subject is erased.
   */
  async load(documentId: string): Promise<ExistingDocument> {
    return this.unlessErased(await this.stream(documentId));
  }

  /**
   * The document, if `principal` may see it (AUTH_FORBIDDEN otherwise, before anything else about it
   * is told, even that its subject was erased).
   */
  async describe(principal: Principal, documentId: string): Promise<ExistingDocument> {
    const state = await this.stream(documentId);
    authorise(principal, state, this.dossierAgencies);
    return this.unlessErased(state);
  }

  private async stream(documentId: string): Promise<ExistingDocument> {
    const { state } = await aggregateStream(this.deps.store, documentStream(documentId), documentDecider);
    if (state.status === 'none') throw new DocumentNotFoundError(documentId);
    return state;
  }

  private unlessErased(state: ExistingDocument): ExistingDocument {
    if (this.deps.keys.isErased(state.document.subject)) throw new SubjectErasedError(state.document.subject);
    return state;
  }

  /** The checked content of a document (DOCUMENT_INTEGRITY_FAILED when the stored bytes fail a check). */
  async read(documentId: string): Promise<{ document: ExistingDocument; content: Buffer }> {
    const document = await this.load(documentId);
    return { document, content: await this.content.get(document.document) };
  }

  /**
   * A download: authorised for `principal`, the content checked, then DocumentAccessed durably
   * appended to the subject's access stream, and only then the content handed back.
   */
  async download(
    principal: Principal,
    documentId: string,
    request: { purpose?: string; dossier?: string | null; requestId: string },
  ): Promise<{ document: ExistingDocument; content: Buffer; accessId: string }> {
    const purpose = request.purpose ?? DEFAULT_PURPOSES[principal.role] ?? principal.role;
    requireFits(this.input.purpose, 'purpose', purpose);
    const dossier = requireFits(this.input.accessDossier, 'dossier', request.dossier ?? null);
    const document = await this.describe(principal, documentId);
    const content = await this.content.get(document.document);
    const meta = newCommandMeta(
      {
        actor: { kind: 'agency', id: principal.agency, official: principal.official },
        correlationId: request.requestId,
      },
      this.clock,
      this.ids,
    );
    const event: DocumentAccessed = {
      id: meta.eventId,
      type: 'DocumentAccessed',
      data: accessRecord(principal, document, { purpose, dossier, requestId: request.requestId }),
      metadata: meta.metadata,
    };
    await this.appender.append(accessStream(document.document.subject), event);
    this.log.info({ documentId, accessId: event.id, agency: principal.agency }, 'document content sent');
    return { document, content, accessId: event.id };
  }

  /** The subject's earlier results of a type that can be reused now, newest first (none once erased). */
  findResults(subject: string, resultType: string): EarlierResult[] {
    if (this.deps.keys.isErased(subject)) return [];
    return findResults(this.deps.readModels, subject, resultType, this.clock());
  }

  /**
   * Verifies a signed result against its issuer's public keys as registered now (the `agencies`
   * read model): DOCUMENT_RESULT_SIGNATURE_INVALID, DOCUMENT_RESULT_ISSUER_NOT_IN_FORCE (issuer not
   * registered) or DOCUMENT_RESULT_KEYS_UNAVAILABLE (keys published only at a URL).
   */
  verifyResult(jws: string): Promise<VerifiedResult> {
    const findAgency = (organCode: string) => getAgency(this.deps.readModels, organCode);
    return verifyResultSignature(jws, registeredKeys(findAgency, vietnamDate(this.clock())));
  }

  /** Runs a command on the document's stream and applies what it appended to the read model at once. */
  private async run(
    by: DocumentActor,
    documentId: string,
    now: Date,
    command: (meta: ReturnType<typeof newCommandMeta>) => DocumentCommand,
  ): Promise<ExistingDocument> {
    const meta = newCommandMeta(
      {
        actor: { kind: 'agency', id: by.agency, official: by.official },
        correlationId: by.correlationId ?? documentId,
      },
      () => now,
      this.ids,
    );
    const stream = documentStream(documentId);
    const result = await handleCommand(this.deps.store, stream, documentDecider, command(meta));
    if (result.events.length > 0) {
      for (const event of appendedEvents(stream, result, now.toISOString())) this.model.apply(event);
      this.log.info({ documentId, events: result.events.map((e) => e.type) }, 'document recorded');
    }
    return result.state as ExistingDocument;
  }
}
