import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../kernel/config.js';
import { runScript } from '../../testing/cli.js';
import {
  EXCHANGE_ORGANS,
  exchangeTestOrgans,
  type HubNetwork,
  startHubNetwork,
} from '../../testing/exchange-hubs.js';
import { hubSigningKey } from '../consent/index.js';
import { HUB_SIGNATURE_HEADER, hubKeyOf, signEnvelope, signHubRequest, trailRequest } from './index.js';

// Four hubs on loopback: central (a ministry), Hanoi (its People's Committee), the Ba Đình district
// of the old map (abolished 1 July 2025) and a commune-level hub serving the new ward and an old
// commune merged into it.
const { MINISTRY, HANOI, DISTRICT, OLD_COMMUNE, WARD } = EXCHANGE_ORGANS;
const organs = exchangeTestOrgans();

const SEND = `mutation ($input: SendDocumentInput!) {
  sendDocument(input: $input) { documentId messageKey duplicate routes { addressed organCode action hubId successorHops { from to on } } }
}`;
const STATUS = `mutation ($input: DocumentStatusInput!) { reportDocumentStatus(input: $input) { documentId duplicate } }`;
const INBOX = `query ($after: Float) { exchangeInbox(after: $after, first: 500) { items { documentId kind statusCode businessType messageKey fromOrgan } next } }`;
const DOCUMENT = `query ($id: String!, $across: Boolean) {
  exchangeDocument(documentId: $id) {
    documentId recall recipients { organCode lastStatus acknowledgedAt doneAt rejected }
    messages { kind statusCode }
    trail(acrossHubs: $across) { hubId type data }
  }
}`;

let net: HubNetwork;
let counter = 0;

const documentInput = (to: string[], extra: Record<string, unknown> = {}) => ({
  to,
  codeNumber: String(++counter),
  codeNotation: 'BTP-VP',
  place: 'Hà Nội',
  documentType: 'Công văn',
  subject: `Về việc hướng dẫn triển khai số ${counter}`,
  signerPosition: 'Chánh Văn phòng',
  signerFullName: 'Nguyễn Văn A',
  ...extra,
});

async function send(hubId: string, organ: string, input: Record<string, unknown>) {
  const result = await net.graphql<{ sendDocument: { documentId: string; routes: unknown[] } }>(
    hubId,
    organ,
    SEND,
    {
      input,
    },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.sendDocument;
}

/** Polls until `check` returns a value (the hubs deliver asynchronously). */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type InboxItem = { documentId: string; kind: string; statusCode: string | null; businessType: string | null };
async function inbox(hubId: string, organ: string): Promise<InboxItem[]> {
  const result = await net.graphql<{ exchangeInbox: { items: InboxItem[] } }>(hubId, organ, INBOX, {});
  expect(result.errors).toBeUndefined();
  return result.data!.exchangeInbox.items;
}

type DocumentView = {
  recall: string;
  recipients: { organCode: string; lastStatus: string | null; rejected: boolean }[];
  trail: { hubId: string; type: string; data: Record<string, unknown> }[];
};
async function documentAt(
  hubId: string,
  organ: string,
  id: string,
  across = false,
): Promise<DocumentView | null> {
  const result = await net.graphql<{ exchangeDocument: DocumentView | null }>(hubId, organ, DOCUMENT, {
    id,
    across,
  });
  expect(result.errors).toBeUndefined();
  return result.data!.exchangeDocument;
}

const delivered = (hubId: string, organ: string, documentId: string, kind = 'DOCUMENT') =>
  eventually(
    async () => (await inbox(hubId, organ)).find((i) => i.documentId === documentId && i.kind === kind),
    `${kind} ${documentId} at ${organ}`,
  );

const accepted = (trail: DocumentView['trail'], hubId: string) =>
  trail.filter(
    (e) => e.hubId === hubId && e.type === 'ExchangeMessageAccepted' && e.data.kind === 'document',
  );

describe('the document exchange between four hubs', { timeout: 180_000 }, () => {
  // each step waits on the hubs (deliveries, restarts); the limits only catch a hang
  beforeAll(async () => {
    net = await startHubNetwork(organs, [
      { hubId: 'hub.central', root: true, organs: [MINISTRY] },
      { hubId: 'hub.h26', organs: [HANOI] },
      { hubId: 'hub.district', organs: [DISTRICT] },
      { hubId: 'hub.ward', organs: [WARD, OLD_COMMUNE] },
    ]);
  }, 120_000);
  afterAll(async () => net?.stop(), 60_000);

  it('carries a document from central to a ward through the province, and statuses 01 → 06 back', async () => {
    const yesterday = new Date(Date.now() - 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
    const sent = await send('hub.central', MINISTRY, documentInput([WARD], { dueDate: yesterday }));
    expect(sent.routes).toEqual([
      { addressed: WARD, organCode: WARD, action: 'FORWARD', hubId: 'hub.h26', successorHops: [] },
    ]);
    await delivered('hub.ward', WARD, sent.documentId);

    // overdue as soon as the due date has passed, with no status yet
    const overdue = await net.graphql<{ overdueExchangeDocuments: { documentId: string; reason: string }[] }>(
      'hub.central',
      MINISTRY,
      '{ overdueExchangeDocuments { documentId organCode reason } }',
    );
    expect(overdue.data!.overdueExchangeDocuments).toContainEqual(
      expect.objectContaining({ documentId: sent.documentId, reason: 'NOT_DONE' }),
    );

    for (const statusCode of ['01', '03', '04', '05', '06']) {
      const r = await net.graphql('hub.ward', WARD, STATUS, {
        input: { documentId: sent.documentId, statusCode, staff: 'Văn thư' },
      });
      expect(r.errors).toBeUndefined();
    }
    const done = await eventually(async () => {
      const d = await documentAt('hub.central', MINISTRY, sent.documentId);
      return d?.recipients[0]?.lastStatus === '06' ? d : undefined;
    }, 'status 06 at central');
    expect(done.recipients).toEqual([
      expect.objectContaining({ organCode: WARD, lastStatus: '06', rejected: false }),
    ]);
    const statuses = (await inbox('hub.central', MINISTRY))
      .filter((i) => i.documentId === sent.documentId && i.kind === 'STATUS')
      .map((i) => i.statusCode);
    expect(statuses.sort()).toEqual(['01', '03', '04', '05', '06']); // separate messages: any arrival order
    const after = await net.graphql<{ overdueExchangeDocuments: { documentId: string }[] }>(
      'hub.central',
      MINISTRY,
      '{ overdueExchangeDocuments { documentId } }',
    );
    expect(after.data!.overdueExchangeDocuments.map((o) => o.documentId)).not.toContain(sent.documentId);

    // the trail across hubs: recorded once at each hub it passed, never at the district's
    const across = (await documentAt('hub.central', MINISTRY, sent.documentId, true))!;
    for (const hub of ['hub.central', 'hub.h26', 'hub.ward'])
      expect(accepted(across.trail, hub)).toHaveLength(1);
    expect(across.trail.some((e) => e.hubId === 'hub.district')).toBe(false);
    const atWard = accepted(across.trail, 'hub.ward')[0]!.data as { trace: { organId: string }[] };
    expect(atWard.trace.map((t) => t.organId)).toEqual([MINISTRY, 'hub.central', 'hub.h26']);
  });

  it('goes through the district hub for a document dated before 1 July 2025', async () => {
    const sent = await send(
      'hub.central',
      MINISTRY,
      documentInput([OLD_COMMUNE], { promulgationDate: '2025-03-10' }),
    );
    // the old commune no longer exists today: its successor, the ward, receives it
    await delivered('hub.ward', WARD, sent.documentId);
    const across = (await documentAt('hub.central', MINISTRY, sent.documentId, true))!;
    for (const hub of ['hub.central', 'hub.h26', 'hub.district', 'hub.ward']) {
      expect(accepted(across.trail, hub), hub).toHaveLength(1);
    }
  });

  it('delivers what is addressed to the abolished district to its successor, recording the hop', async () => {
    const sent = await send('hub.central', MINISTRY, documentInput([DISTRICT]));
    expect(sent.routes).toEqual([
      {
        addressed: DISTRICT,
        organCode: WARD,
        action: 'FORWARD',
        hubId: 'hub.h26',
        successorHops: [{ from: DISTRICT, to: WARD, on: '2025-07-01' }],
      },
    ]);
    await delivered('hub.ward', WARD, sent.documentId);
  });

  it('refuses a secret document at the sending hub, and records the refusal', async () => {
    const result = await net.graphql('hub.central', MINISTRY, SEND, {
      input: documentInput([WARD], { documentId: 'secret-1', securityLevel: 1 }),
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/secret/);
    const d = await net.graphql<{ exchangeDocument: unknown }>('hub.central', MINISTRY, DOCUMENT, {
      id: 'secret-1',
    });
    expect(d.data!.exchangeDocument).toBeNull(); // nothing of it but the refusal
  });

  it('refuses tampered, unsigned, wrongly signed, hostile and replayed envelopes', async () => {
    const sent = await send('hub.central', MINISTRY, documentInput([WARD]));
    await delivered('hub.ward', WARD, sent.documentId);
    const view = await net.graphql<{
      exchangeDocument: { messages: { kind: string; messageKey: string }[] };
    }>(
      'hub.central',
      MINISTRY,
      `query ($id: String!) { exchangeDocument(documentId: $id) { messages { kind messageKey } } }`,
      { id: sent.documentId },
    );
    const key = view.data!.exchangeDocument.messages[0]!.messageKey;
    const envelope = await (
      await fetch(`${net.hubs.get('hub.central')!.base}/exchange/v1/messages/${key}/envelope`, {
        headers: { authorization: `Bearer ${await net.token(MINISTRY)}` },
      })
    ).text();
    // the central hub's signing key, from its data directory (as its configuration reads it)
    const centralConfig = loadConfig({
      NODE_ENV: 'test',
      LIENTHONG_DATA_DIR: net.hubs.get('hub.central')!.dataDir,
    });
    const central = hubKeyOf('hub.central', await hubSigningKey(centralConfig.secrets.signingKey));
    const post = async (body: string, header?: string) => {
      const bytes = Buffer.from(body, 'utf8');
      const signature =
        header ??
        (await signHubRequest(
          central,
          { to: 'hub.h26', body: bytes },
          () => new Date(),
          () => crypto.randomUUID(),
        ));
      const response = await fetch(`${net.hubs.get('hub.h26')!.base}/exchange/v1/envelopes`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', [HUB_SIGNATURE_HEADER]: signature },
        body: bytes,
      });
      return {
        status: response.status,
        body: (await response.json()) as {
          code?: string;
          details?: { reason?: string };
          duplicate?: boolean;
        },
      };
    };

    const tampered = await post(envelope.replace('hướng dẫn', 'hướng đẫn'));
    expect(tampered).toMatchObject({
      status: 400,
      body: { code: 'EXCHANGE_SIGNATURE_INVALID', details: { reason: 'digest-mismatch' } },
    });
    const unsigned = await post(envelope.replace(/<(\w+:)?Signature[\s>][\s\S]*<\/(\w+:)?Signature>/, ''));
    expect(unsigned.body).toMatchObject({
      code: 'EXCHANGE_SIGNATURE_INVALID',
      details: { reason: 'unsigned' },
    });
    // signed with the ward's own credentials while it says it is from the ministry
    const wardDir = net.hubs.get('hub.ward')!.dataDir;
    const wrong = signEnvelope(envelope.replace(/<(\w+:)?Signature[\s>][\s\S]*<\/(\w+:)?Signature>/, ''), {
      privateKeyPem: fs.readFileSync(path.join(wardDir, 'exchange/credentials', `${WARD}.key.pem`), 'utf8'),
      certificatePem: fs.readFileSync(path.join(wardDir, 'exchange/credentials', `${WARD}.pem`), 'utf8'),
    });
    const wronglySigned = await post(wrong);
    expect(wronglySigned.body.code).toBe('EXCHANGE_SIGNATURE_INVALID');
    expect(['signer-not-sender', 'certificate-not-registered']).toContain(wronglySigned.body.details?.reason);
    const xxe = await post(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&e;</edXML:edXMLEnvelope>`,
    );
    expect(xxe).toMatchObject({ status: 400, body: { code: 'EXCHANGE_XML_DTD_FORBIDDEN' } });
    // an envelope that names no document is recorded on the day's refusal stream
    const provinceLog = new Database(path.join(net.hubs.get('hub.h26')!.dataDir, 'events.db'), {
      readonly: true,
    });
    try {
      const codes = provinceLog
        .prepare(
          `SELECT json_extract(e.data, '$.code') FROM events e JOIN streams s USING (stream_id)
           WHERE s.name LIKE 'exchangerefusals-%' AND e.type = 'ExchangeMessageRefused'`,
        )
        .pluck()
        .all();
      expect(codes).toContain('EXCHANGE_XML_DTD_FORBIDDEN');
    } finally {
      provinceLog.close();
    }
    const unknownHub = await post(envelope, 'not-a-token');
    expect(unknownHub).toMatchObject({ status: 401, body: { code: 'EXCHANGE_HUB_UNAUTHENTICATED' } });
    const madeForATrail = await signHubRequest(
      central,
      { to: 'hub.h26', body: Buffer.from(envelope, 'utf8'), request: trailRequest(sent.documentId) },
      () => new Date(),
      () => crypto.randomUUID(),
    );
    expect(await post(envelope, madeForATrail)).toMatchObject({
      status: 401,
      body: {
        code: 'EXCHANGE_HUB_UNAUTHENTICATED',
        details: { reason: 'the request signature was made for another request' },
      },
    });

    // a redelivery is acknowledged, not recorded again; the very same request again is a replay
    const bytes = Buffer.from(envelope, 'utf8');
    const header = await signHubRequest(
      central,
      { to: 'hub.h26', body: bytes },
      () => new Date(),
      () => crypto.randomUUID(),
    );
    expect(await post(envelope, header)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await post(envelope, header)).toMatchObject({ status: 409, body: { code: 'EXCHANGE_REPLAYED' } });

    // several envelopes in one request are answered one by one
    const batch = Buffer.from(
      JSON.stringify({ envelopes: [envelope, envelope.replace('hướng dẫn', 'hướng dẩn')] }),
    );
    const batchResponse = await fetch(`${net.hubs.get('hub.h26')!.base}/exchange/v1/envelopes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [HUB_SIGNATURE_HEADER]: await signHubRequest(
          central,
          { to: 'hub.h26', body: batch },
          () => new Date(),
          () => crypto.randomUUID(),
        ),
      },
      body: batch,
    });
    expect(await batchResponse.json()).toMatchObject({
      answers: [
        { ok: true, duplicate: true, documentId: sent.documentId },
        {
          ok: false,
          status: 400,
          code: 'EXCHANGE_SIGNATURE_INVALID',
          details: { reason: 'digest-mismatch' },
        },
      ],
    });

    const atProvince = (await documentAt('hub.h26', MINISTRY, sent.documentId))!;
    expect(accepted(atProvince.trail, 'hub.h26')).toHaveLength(1);
    const refusals = atProvince.trail
      .filter((e) => e.type === 'ExchangeMessageRefused')
      .map((e) => e.data.code);
    expect(refusals).toEqual([
      'EXCHANGE_SIGNATURE_INVALID',
      'EXCHANGE_SIGNATURE_INVALID',
      'EXCHANGE_SIGNATURE_INVALID',
      'EXCHANGE_SIGNATURE_INVALID',
    ]);
  });

  it('delivers exactly once when hubs are killed mid-delivery and restarted', async () => {
    await net.kill('hub.h26');
    const sent = await send('hub.central', MINISTRY, documentInput([WARD]));
    // the central hub retries the province with backoff; kill it too while deliveries are pending
    await eventually(async () => {
      const d = await documentAt('hub.central', MINISTRY, sent.documentId);
      return d?.trail.some((e) => e.type === 'ExchangeDeliveryFailed') ? true : undefined;
    }, 'a failed delivery attempt');
    await net.kill('hub.central');
    await net.start('hub.h26');
    await net.start('hub.central');
    await delivered('hub.ward', WARD, sent.documentId);

    // and a sender killed right after handing a document in
    const second = await send('hub.central', MINISTRY, documentInput([WARD]));
    await net.kill('hub.central');
    await net.start('hub.central');
    await delivered('hub.ward', WARD, second.documentId);

    for (const id of [sent.documentId, second.documentId]) {
      const across = (await documentAt('hub.central', MINISTRY, id, true))!;
      for (const hub of ['hub.central', 'hub.h26', 'hub.ward'])
        expect(accepted(across.trail, hub), hub).toHaveLength(1);
      const forwarded = across.trail.filter(
        (e) => e.hubId === 'hub.central' && e.type === 'ExchangeMessageForwarded',
      );
      expect(forwarded).toHaveLength(1);
    }
    const items = (await inbox('hub.ward', WARD)).filter((i) => i.documentId === sent.documentId);
    expect(items).toHaveLength(1);
  });

  it('replaces and revokes: each joins the trail of the document it is about', async () => {
    const first = await send('hub.central', MINISTRY, documentInput([WARD]));
    await delivered('hub.ward', WARD, first.documentId);
    const replacement = await send(
      'hub.central',
      MINISTRY,
      documentInput([WARD], {
        businessType: 'REPLACE',
        replaces: [first.documentId],
        businessReason: 'Thay thế',
      }),
    );
    await delivered('hub.ward', WARD, replacement.documentId);
    await send(
      'hub.central',
      MINISTRY,
      documentInput([WARD], {
        documentId: first.documentId,
        businessType: 'REVOKE',
        businessReason: 'Thu hồi',
      }),
    );
    await eventually(
      async () =>
        (await inbox('hub.ward', WARD)).find(
          (i) => i.documentId === first.documentId && i.businessType === 'revoke',
        ),
      'the revocation at the ward',
    );
    // only the sender may revoke
    const stray = await net.graphql('hub.ward', WARD, SEND, {
      input: documentInput([MINISTRY], { documentId: first.documentId, businessType: 'REVOKE' }),
    });
    expect(stray.errors?.[0]?.message).toMatch(/only the sending organ/);
  });

  it("never writes a confidential attachment, or any document content, to the hubs' logs", async () => {
    const secretText = 'Số CCCD 001234567890 của công dân';
    const sent = await send('hub.central', MINISTRY, {
      ...documentInput([WARD]),
      content: 'Nội dung nhạy cảm của công văn',
      attachments: [
        {
          name: 'danh-sach.txt',
          contentType: 'text/plain',
          base64: Buffer.from(secretText).toString('base64'),
          confidential: true,
        },
      ],
    });
    await delivered('hub.ward', WARD, sent.documentId);
    for (const hub of net.hubs.values()) {
      expect(hub.output()).not.toContain(secretText);
      expect(hub.output()).not.toContain(Buffer.from(secretText).toString('base64'));
      expect(hub.output()).not.toContain('Nội dung nhạy cảm');
    }
  });

  it('sends, lists and follows documents from the CLI, as an organ against its hub', async () => {
    const dir = fs.mkdtempSync(path.join(net.caDir, '..', 'cli-'));
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, await net.token(MINISTRY), { mode: 0o600 });
    const central = net.hubs.get('hub.central')!.base;
    const env = { PATH: process.env.PATH, LIENTHONG_HUB_URL: central, LIENTHONG_TOKEN_FILE: tokenFile };
    const sent = await send('hub.central', MINISTRY, documentInput([WARD]));
    await delivered('hub.ward', WARD, sent.documentId);
    await net.graphql('hub.ward', WARD, STATUS, { input: { documentId: sent.documentId, statusCode: '01' } });
    const outbox = await eventually(async () => {
      const r = await runScript('hub/cli.ts', ['exchange', 'outbox', '--json'], env);
      const rows = JSON.parse(r.stdout || '[]') as {
        documentId: string;
        recipients: { lastStatus: string | null }[];
      }[];
      return rows.find((d) => d.documentId === sent.documentId)?.recipients[0]?.lastStatus === '01'
        ? r
        : undefined;
    }, 'the status in the CLI outbox');
    expect(outbox.code).toBe(0);
    const trail = await runScript('hub/cli.ts', ['exchange', 'trail', sent.documentId], env);
    expect(trail.code).toBe(0);
    for (const hub of ['hub.central', 'hub.h26', 'hub.ward']) expect(trail.stdout).toContain(hub);
    const inboxOut = await runScript('hub/cli.ts', ['exchange', 'inbox', '--kind', 'status'], env);
    expect(inboxOut.stdout).toContain(sent.documentId);
    const missing = await runScript('hub/cli.ts', ['exchange', 'inbox'], { PATH: process.env.PATH });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--hub');
  });

  it('updates, recalls and revokes: the recipients see each, and answer the recall', async () => {
    const sent = await send('hub.central', MINISTRY, documentInput([WARD]));
    await delivered('hub.ward', WARD, sent.documentId);
    await send(
      'hub.central',
      MINISTRY,
      documentInput([WARD], {
        documentId: sent.documentId,
        businessType: 'UPDATE',
        businessReason: 'Sửa trích yếu',
      }),
    );
    await eventually(
      async () =>
        (await inbox('hub.ward', WARD)).find(
          (i) => i.documentId === sent.documentId && i.businessType === 'update',
        ),
      'the update at the ward',
    );
    const recall = await net.graphql('hub.central', MINISTRY, STATUS, {
      input: { documentId: sent.documentId, statusCode: '13', description: 'Thu hồi để sửa' },
    });
    expect(recall.errors).toBeUndefined();
    await delivered('hub.ward', WARD, sent.documentId, 'STATUS');
    const answer = await net.graphql('hub.ward', WARD, STATUS, {
      input: { documentId: sent.documentId, statusCode: '15' },
    });
    expect(answer.errors).toBeUndefined();
    await eventually(async () => {
      const d = await documentAt('hub.central', MINISTRY, sent.documentId);
      return d?.recall === 'ACCEPTED' ? d : undefined;
    }, 'the recall accepted at central');

    // a recall answer without a recall is refused
    const other = await send('hub.central', MINISTRY, documentInput([WARD]));
    await delivered('hub.ward', WARD, other.documentId);
    const stray = await net.graphql('hub.ward', WARD, STATUS, {
      input: { documentId: other.documentId, statusCode: '16' },
    });
    expect(stray.errors?.[0]?.message).toMatch(/never requested/);
  });
});
