/**
 * What the folder connector's tests share: a real hub listening on loopback with the exchange, the
 * demo organs' signing credentials, signed envelopes as an organ's document system writes them, and
 * each organ's folders and token file.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { localDateOf } from '../../hub/kernel/local-date.js';
import {
  attachmentDigest,
  buildDocumentEnvelope,
  buildStatusEnvelope,
  demoX509Files,
  exchangeProjection,
  inboxOf,
  parseEdxml,
  signEnvelope,
  vietnamInstant,
} from '../../hub/modules/exchange/index.js';
import { API_PROJECTIONS, startTestHub, type TestHub } from '../../hub/testing/hub.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import type { DocumentFolderOptions } from './connector.js';
import { writeCursor } from './incoming.js';

/** Two demo organs with demo X.509 credentials (demo/agencies.yaml, `x509: demo`). */
export const MINISTRY = { organId: '000.00.00.G09', organName: 'Bộ Tư pháp' };
export const SOCIAL_SECURITY = { organId: '000.00.00.G22', organName: 'Bảo hiểm xã hội Việt Nam' };
type Organ = typeof MINISTRY;

export interface ExchangeTestHub {
  hub: TestHub;
  /** The hub's base URL on loopback. */
  url: string;
  close(): Promise<void>;
}

/**
 * The test hub (`startTestHub`) with the exchange's read model, listening on loopback. Alone, with
 * no hub directory, it serves every organ and delivers locally.
 */
export async function startExchangeHub(): Promise<ExchangeTestHub> {
  const hub = await startTestHub({ citizens: 1, projections: [...API_PROJECTIONS, exchangeProjection] });
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = hub.app.server.address() as AddressInfo;
  return { hub, url: `http://127.0.0.1:${port}`, close: () => hub.close() };
}

/** An organ's demo signing credentials, as the demo seed wrote them into the hub's data directory. */
function credentials(hub: { dir: string }, organ: Organ) {
  const files = demoX509Files(hub.dir, organ.organId);
  return {
    privateKeyPem: fs.readFileSync(files.key, 'utf8'),
    certificatePem: fs.readFileSync(files.certificate, 'utf8'),
  };
}

let numbered = 0;

export interface TestDocument {
  documentId: string;
  promulgationDate: string;
  codeNumber: string;
  /** The signed envelope. */
  xml: string;
}

/** A new document from `from` to `to`, with one inline attachment, signed by `from`. */
export function signedDocument(hub: { dir: string }, from: Organ, to: Organ, subject: string): TestDocument {
  const now = new Date();
  const promulgationDate = localDateOf(now);
  const documentId = `${from.organId},${promulgationDate.replaceAll('-', '/')},${randomUUID()}`;
  const codeNumber = String(++numbered);
  const attachment = Buffer.from(`%PDF-1.4 ${subject}`);
  const xml = buildDocumentEnvelope(
    {
      messageHeader: {
        from,
        to: [to],
        code: { codeNumber, codeNotation: 'BTP-VP' },
        promulgationInfo: { place: 'Hà Nội', promulgationDate },
        documentType: { type: 1, typeName: 'Công văn' },
        subject,
        signerInfo: { position: 'Chánh Văn phòng', fullName: 'Nguyễn Văn A' },
        otherInfo: { priority: 0 },
        documentId,
      },
      traceHeaders: [{ organId: from.organId, timestamp: vietnamInstant(now) }],
      business: { businessDocType: 0 },
      manifest: [
        {
          contentId: 'attachment-1',
          contentType: 'application/pdf',
          attachmentName: 'cong-van.pdf',
          ...attachmentDigest(attachment),
        },
      ],
    },
    [{ contentId: 'attachment-1', bytes: attachment }],
  );
  return { documentId, promulgationDate, codeNumber, xml: signEnvelope(xml, credentials(hub, from)) };
}

/** A status `statusCode` about `document` (sent by `documentFrom`), signed by `from`. */
export function signedStatus(
  hub: { dir: string },
  from: Organ,
  documentFrom: Organ,
  document: TestDocument,
  statusCode: '01' | '03' | '06',
): string {
  const now = new Date();
  const xml = buildStatusEnvelope({
    responseFor: {
      organId: documentFrom.organId,
      code: `${document.codeNumber}/BTP-VP`,
      promulgationDate: document.promulgationDate,
      documentId: document.documentId,
    },
    from,
    statusCode,
    timestamp: vietnamInstant(now),
    traceHeaders: [{ organId: from.organId, timestamp: vietnamInstant(now) }],
  });
  return signEnvelope(xml, credentials(hub, from));
}

/** An organ's side of the test: its folders and token file under `root`. */
export interface OrganFolders {
  outgoing: string;
  incoming: string;
  tokenFile: string;
  /** Options of `runDocumentFolder` for this organ against `url` (once, no settling, silent). */
  options(url: string, more?: Partial<DocumentFolderOptions>): DocumentFolderOptions;
  /** Drops an envelope into the outgoing folder as a document system should: `.part`, then renamed. */
  drop(name: string, xml: string): void;
  /** The `*.xml` files of the incoming folder, sorted. */
  received(): string[];
}

/**
 * Fresh folders for `organ` under `root`, its token file, and a cursor at the end of its inbox as it
 * is now (the hub is shared by the tests of a file: each starts after what earlier tests sent).
 */
export async function organFolders(hub: TestHub, root: string, organ: Organ): Promise<OrganFolders> {
  const base = path.join(root, organ.organId);
  const outgoing = path.join(base, 'outgoing');
  const incoming = path.join(base, 'incoming');
  fs.mkdirSync(outgoing, { recursive: true });
  fs.mkdirSync(incoming, { recursive: true });
  await hub.settle();
  await writeCursor(incoming, inboxOf(hub.db, organ.organId, { limit: 100_000 }).at(-1)?.position ?? 0);
  const tokenFile = path.join(base, 'token');
  fs.writeFileSync(tokenFile, `${await hub.token(organ.organId, 'provider')}\n`, { mode: 0o600 });
  return {
    outgoing,
    incoming,
    tokenFile,
    options: (url, more = {}) => ({
      hub: url,
      tokenFile,
      outgoing,
      incoming,
      once: true,
      settleMs: 0,
      logger: silentLogger(),
      ...more,
    }),
    drop(name, xml) {
      fs.writeFileSync(path.join(outgoing, `${name}.part`), xml);
      fs.renameSync(path.join(outgoing, `${name}.part`), path.join(outgoing, name));
    },
    received: () =>
      fs
        .readdirSync(incoming)
        .filter((n) => n.endsWith('.xml'))
        .sort(),
  };
}

/** Polls until `check` gives a value; the deadline only catches a hang. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The two organs' folders against one hub, as a test file uses them. */
export interface TwoOrgans {
  net: ExchangeTestHub;
  ministry: OrganFolders;
  vss: OrganFolders;
}

/**
 * For a test file: one exchange hub for all its tests (started before, closed after), and fresh
 * folders for the Ministry of Justice and Vietnam Social Security in each test.
 */
export function twoOrgansAgainstOneHub(): TwoOrgans {
  const t = {} as TwoOrgans;
  let tmp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    t.net = await startExchangeHub();
  }, 60_000);
  afterAll(async () => t.net?.close());
  beforeEach(async () => {
    tmp = tempDir('lt-folders-');
    t.ministry = await organFolders(t.net.hub, tmp.dir, MINISTRY);
    t.vss = await organFolders(t.net.hub, tmp.dir, SOCIAL_SECURITY);
  });
  afterEach(() => tmp?.remove());
  return t;
}

/** The DocumentId an envelope file is about (a document's own, or the one a status answers). */
export function documentIdOf(dir: string, name: string): string {
  const parsed = parseEdxml(fs.readFileSync(path.join(dir, name)));
  return parsed.kind === 'document'
    ? parsed.document.messageHeader.documentId
    : parsed.status.responseFor.documentId;
}
