import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  DocumentFolderHubRefusedError,
  DocumentFolderHubUnavailableError,
} from '../../hub/kernel/errors/index.js';
import { inboxOf, messagesOf } from '../../hub/modules/exchange/index.js';
import { freePort } from '../../hub/testing/server.js';
import { runDocumentFolder } from './connector.js';
import { readCursor } from './incoming.js';
import {
  documentIdOf,
  eventually,
  MINISTRY,
  SOCIAL_SECURITY,
  signedDocument,
  twoOrgansAgainstOneHub,
} from './testing.js';

const t = twoOrgansAgainstOneHub();

const crash = () => {
  throw new Error('crashed');
};

describe('the document-folder connector recovering', () => {
  it('a crash between the hub’s answer and the move: sent again, answered as a duplicate, delivered once', async () => {
    const document = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Gửi lại sau sự cố');
    t.ministry.drop('cv-crash.xml', document.xml);
    await expect(
      runDocumentFolder(t.ministry.options(t.net.url, { hooks: { afterSend: crash } })),
    ).rejects.toThrow('crashed');
    expect(fs.existsSync(path.join(t.ministry.outgoing, 'cv-crash.xml'))).toBe(true); // not moved
    expect(fs.readdirSync(path.join(t.ministry.outgoing, 'sent'))).toEqual([]);

    const again = await runDocumentFolder(t.ministry.options(t.net.url));
    expect(again.counts).toMatchObject({ sent: 0, duplicates: 1, refused: 0 });
    const sent = path.join(t.ministry.outgoing, 'sent');
    expect(fs.readdirSync(sent).sort()).toEqual(['cv-crash.xml', 'cv-crash.xml.receipt.json']);
    expect(JSON.parse(fs.readFileSync(path.join(sent, 'cv-crash.xml.receipt.json'), 'utf8'))).toMatchObject({
      documentId: document.documentId,
      duplicate: true,
    });

    await t.net.hub.settle();
    expect(messagesOf(t.net.hub.db, document.documentId)).toHaveLength(1);
    expect(
      inboxOf(t.net.hub.db, SOCIAL_SECURITY.organId, { limit: 500 }).filter(
        (i) => i.documentId === document.documentId,
      ),
    ).toHaveLength(1);
    const received = await runDocumentFolder(t.vss.options(t.net.url));
    expect(received.counts.documents).toBe(1);
    expect(t.vss.received().map((n) => documentIdOf(t.vss.incoming, n))).toEqual([document.documentId]);
  });

  it('the cursor resumes after a restart: a page whose cursor was not written is fetched again, nothing lost or twice', async () => {
    const documents = [1, 2, 3].map((n) =>
      signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, `Văn bản ${n}`),
    );
    t.ministry.drop('vb-1.xml', documents[0]!.xml);
    await runDocumentFolder(t.ministry.options(t.net.url));
    await t.net.hub.settle();
    const first = await runDocumentFolder(t.vss.options(t.net.url, { pageSize: 1 }));
    expect(first.counts.documents).toBe(1);
    const afterFirst = await readCursor(t.vss.incoming);
    expect(afterFirst).toBe(first.after);

    t.ministry.drop('vb-2.xml', documents[1]!.xml);
    t.ministry.drop('vb-3.xml', documents[2]!.xml);
    await runDocumentFolder(t.ministry.options(t.net.url));
    await t.net.hub.settle();
    // one page (one item) each: the second page's files are written, then the process dies before its cursor
    let pages = 0;
    const crashOnSecondPage = () => {
      if (++pages === 2) crash();
    };
    await expect(
      runDocumentFolder(
        t.vss.options(t.net.url, { pageSize: 1, hooks: { beforeCursor: crashOnSecondPage } }),
      ),
    ).rejects.toThrow('crashed');
    expect(t.vss.received()).toHaveLength(3);
    const afterCrash = await readCursor(t.vss.incoming);
    expect(afterCrash).toBeGreaterThan(afterFirst);

    const restarted = await runDocumentFolder(t.vss.options(t.net.url, { pageSize: 1 }));
    expect(restarted.counts.documents).toBe(1); // the third only, fetched again under the same name
    expect(restarted.after).toBeGreaterThan(afterCrash);
    const files = t.vss.received();
    expect(files.map((n) => documentIdOf(t.vss.incoming, n))).toEqual(documents.map((d) => d.documentId));
    expect(fs.readdirSync(t.vss.incoming).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const idle = await runDocumentFolder(t.vss.options(t.net.url, { pageSize: 1 }));
    expect(idle.counts.documents).toBe(0);
    expect(t.vss.received()).toEqual(files);
  });

  it('the hub unreachable: files stay, the cursor does not move, the failure is reported', async () => {
    const document = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Chờ kết nối');
    t.ministry.drop('cv-wait.xml', document.xml);
    const cursor = await readCursor(t.ministry.incoming);
    const result = await runDocumentFolder(t.ministry.options(`http://127.0.0.1:${await freePort()}`));
    expect(result.stoppedBy).toBeInstanceOf(DocumentFolderHubUnavailableError);
    expect(result.counts).toMatchObject({ sent: 0, refused: 0, failures: 2 });
    expect(fs.readdirSync(t.ministry.outgoing).sort()).toEqual(['cv-wait.xml', 'refused', 'sent']);
    expect(await readCursor(t.ministry.incoming)).toBe(cursor);

    // once the hub is there, the same file goes
    expect((await runDocumentFolder(t.ministry.options(t.net.url))).counts.sent).toBe(1);
  });

  it('a token the hub refuses is no refusal of the document: the file stays for a renewed token', async () => {
    const document = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Chờ mã truy cập');
    t.ministry.drop('cv-token.xml', document.xml);
    const token = fs.readFileSync(t.ministry.tokenFile, 'utf8');
    fs.writeFileSync(t.ministry.tokenFile, 'not-a-token\n');
    const result = await runDocumentFolder(t.ministry.options(t.net.url));
    expect(result.stoppedBy).toBeInstanceOf(DocumentFolderHubRefusedError);
    expect(result.stoppedBy).toMatchObject({ httpStatus: 401, hubCode: 'AUTH_UNAUTHENTICATED' });
    expect(fs.existsSync(path.join(t.ministry.outgoing, 'cv-token.xml'))).toBe(true);
    expect(fs.readdirSync(path.join(t.ministry.outgoing, 'refused'))).toEqual([]);

    fs.writeFileSync(t.ministry.tokenFile, token);
    expect((await runDocumentFolder(t.ministry.options(t.net.url))).counts.sent).toBe(1);
  });

  it('watching, a failed side backs off and retries: the file goes once the token is renewed', async () => {
    const token = fs.readFileSync(t.ministry.tokenFile, 'utf8');
    fs.writeFileSync(t.ministry.tokenFile, 'expired-token\n');
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const logged = (msg: string) =>
      logs.some((l) => l.side === 'outgoing' && String(l.msg).startsWith(msg)) ? true : undefined;
    t.ministry.drop(
      'cv-later.xml',
      signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Gửi khi có mã').xml,
    );
    const stop = new AbortController();
    const running = runDocumentFolder(
      t.ministry.options(t.net.url, {
        once: false,
        intervalMs: 100,
        maxBackoffMs: 1000,
        signal: stop.signal,
        logger,
      }),
    );
    try {
      await eventually(() => logged('outgoing pass stopped'), 'the refusal');
      expect(fs.existsSync(path.join(t.ministry.outgoing, 'cv-later.xml'))).toBe(true);
      fs.writeFileSync(t.ministry.tokenFile, token);
      await eventually(() => logged('the hub answers again'), 'the retry');
    } finally {
      stop.abort();
    }
    const result = await running;
    expect(result.counts).toMatchObject({ sent: 1, refused: 0 });
    expect(result.counts.failures).toBeGreaterThan(0);
    expect(result.stoppedBy).toBeUndefined(); // recovered before the end
    expect(fs.existsSync(path.join(t.ministry.outgoing, 'sent', 'cv-later.xml'))).toBe(true);
  });
});
