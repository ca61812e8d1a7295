import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEdxml } from '../../hub/modules/exchange/index.js';
import { runScript } from '../../hub/testing/cli.js';
import { runDocumentFolder } from './connector.js';
import { readCursor } from './incoming.js';
import {
  documentIdOf,
  eventually,
  MINISTRY,
  type OrganFolders,
  SOCIAL_SECURITY,
  signedDocument,
  signedStatus,
  twoOrgansAgainstOneHub,
} from './testing.js';

const t = twoOrgansAgainstOneHub();

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name));
const parsed = (dir: string, name: string) => parseEdxml(read(dir, name));

describe('the document-folder connector against a real hub', () => {
  it('watching: a document dropped by one organ reaches the other, and its status comes back', async () => {
    const stop = new AbortController();
    const watch = { once: false, intervalMs: 100, signal: stop.signal };
    const running = [
      runDocumentFolder(t.ministry.options(t.net.url, watch)),
      runDocumentFolder(t.vss.options(t.net.url, { ...watch, settleMs: 300 })),
    ];
    try {
      const document = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Về việc đối soát dữ liệu');
      t.ministry.drop('cv-0001.xml', document.xml);
      const arrived = await eventually(
        () => t.vss.received().find((n) => n.includes('-document-')),
        'the document in the incoming folder',
      );
      const received = parsed(t.vss.incoming, arrived);
      expect(received.kind).toBe('document');
      if (received.kind !== 'document') return;
      expect(received.document.messageHeader.documentId).toBe(document.documentId);
      expect(received.document.messageHeader.subject).toBe('Về việc đối soát dữ liệu');
      expect(received.attachments[0]!.bytes.toString()).toBe('%PDF-1.4 Về việc đối soát dữ liệu');
      expect(arrived).toMatch(/^\d{12}-document-000\.00\.00\.G09_\d{4}_\d{2}_\d{2}_[0-9a-f-]{36}\.xml$/);

      await eventually(
        () => fs.existsSync(path.join(t.ministry.outgoing, 'sent', 'cv-0001.xml')) || undefined,
        'the move',
      );
      expect(fs.readdirSync(t.ministry.outgoing).filter((n) => n.endsWith('.xml'))).toEqual([]);
      const receipt = JSON.parse(
        read(path.join(t.ministry.outgoing, 'sent'), 'cv-0001.xml.receipt.json').toString(),
      );
      expect(receipt).toMatchObject({ documentId: document.documentId, kind: 'document', duplicate: false });

      // the recipient's document system answers, writing the file in place (no .part): it waits to settle
      fs.writeFileSync(
        path.join(t.vss.outgoing, 'tt-01.xml'),
        signedStatus(t.net.hub, SOCIAL_SECURITY, MINISTRY, document, '01'),
      );
      const status = await eventually(
        () => t.ministry.received().find((n) => n.includes('-status-')),
        'the status in the sender’s incoming folder',
      );
      const back = parsed(t.ministry.incoming, status);
      expect(back.kind === 'status' && [back.status.statusCode, back.status.responseFor.documentId]).toEqual([
        '01',
        document.documentId,
      ]);
    } finally {
      stop.abort();
    }
    const [sender, recipient] = await Promise.all(running);
    expect(sender!.counts).toMatchObject({ sent: 1, refused: 0, documents: 0, statuses: 1, failures: 0 });
    expect(recipient!.counts).toMatchObject({ sent: 1, refused: 0, documents: 1, statuses: 0, failures: 0 });
    expect(recipient!.after).toBe(await readCursor(t.vss.incoming));
  });

  it('sends the files of one pass in name order, so the recipient receives them in that order', async () => {
    const documents = ['3', '1', '2'].map((n) => ({
      name: `vb-000${n}.xml`,
      doc: signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, `Văn bản số ${n}`),
    }));
    for (const { name, doc } of documents) t.ministry.drop(name, doc.xml);
    const sent = await runDocumentFolder(t.ministry.options(t.net.url));
    expect(sent.counts).toMatchObject({ sent: 3, duplicates: 0, refused: 0 });
    expect(fs.readdirSync(path.join(t.ministry.outgoing, 'sent')).sort()).toEqual(
      ['vb-0001.xml', 'vb-0002.xml', 'vb-0003.xml'].flatMap((n) => [n, `${n}.receipt.json`]),
    );

    await t.net.hub.settle();
    const received = await runDocumentFolder(t.vss.options(t.net.url));
    expect(received.counts).toMatchObject({ documents: 3, statuses: 0 });
    const byName = Object.fromEntries(documents.map(({ name, doc }) => [doc.documentId, name]));
    expect(t.vss.received().map((f) => byName[documentIdOf(t.vss.incoming, f)])).toEqual([
      'vb-0001.xml',
      'vb-0002.xml',
      'vb-0003.xml',
    ]);
  });

  it('moves a tampered envelope to refused/ with the hub’s error, and goes on with the next', async () => {
    const good = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Văn bản nguyên vẹn');
    const tampered = signedDocument(t.net.hub, MINISTRY, SOCIAL_SECURITY, 'Trích yếu gốc');
    t.ministry.drop('a-tampered.xml', tampered.xml.replace('Trích yếu gốc', 'Trích yếu bị sửa'));
    t.ministry.drop('b-good.xml', good.xml);

    const result = await runDocumentFolder(t.ministry.options(t.net.url));
    expect(result.counts).toMatchObject({ sent: 1, refused: 1, failures: 0 });
    expect(result.stoppedBy).toBeUndefined();
    const refused = path.join(t.ministry.outgoing, 'refused');
    expect(fs.readdirSync(refused).sort()).toEqual(['a-tampered.xml', 'a-tampered.xml.error.json']);
    expect(JSON.parse(read(refused, 'a-tampered.xml.error.json').toString())).toEqual({
      httpStatus: 400,
      code: 'EXCHANGE_SIGNATURE_INVALID',
      message: expect.any(String),
      details: { reason: 'digest-mismatch' },
    });
    expect(read(refused, 'a-tampered.xml').toString()).toContain('Trích yếu bị sửa'); // moved as it was
    expect(fs.existsSync(path.join(t.ministry.outgoing, 'sent', 'b-good.xml'))).toBe(true);
  });

  it('runs from the command line: every option documented, counts on stdout, no token or content in logs', async () => {
    const help = await runScript('connectors/cli/index.ts', ['document-folder', '--help'], process.env);
    for (const option of [
      '--hub',
      '--token-file',
      '--outgoing',
      '--incoming',
      '--once',
      '--interval',
      '--settle',
    ])
      expect(help.stdout).toContain(option);

    const document = signedDocument(
      t.net.hub,
      MINISTRY,
      SOCIAL_SECURITY,
      'Nội dung không được ghi vào nhật ký',
    );
    t.ministry.drop('cv-cli.xml', document.xml);
    const args = (o: OrganFolders) => [
      '--log-json',
      'document-folder',
      ...[
        '--hub',
        t.net.url,
        '--token-file',
        o.tokenFile,
        '--outgoing',
        o.outgoing,
        '--incoming',
        o.incoming,
      ],
      ...['--once', '--settle', '0'],
    ];
    const env = { ...process.env, LOG_LEVEL: 'debug' };
    const sent = await runScript('connectors/cli/index.ts', args(t.ministry), env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(
      /^document-folder: sent 1, refused 0, received 0 \(0 document\(s\), 0 status\(es\)\); cursor \d+\n$/,
    );
    await t.net.hub.settle();
    const received = await runScript('connectors/cli/index.ts', args(t.vss), env);
    expect(received.stdout).toContain('received 1 (1 document(s), 0 status(es))');

    const logs = sent.stderr + received.stderr;
    expect(logs).toContain('"msg":"envelope sent"');
    expect(logs).toContain('"msg":"document received"');
    for (const secret of [
      fs.readFileSync(t.ministry.tokenFile, 'utf8').trim(),
      fs.readFileSync(t.vss.tokenFile, 'utf8').trim(),
    ])
      expect(logs).not.toContain(secret);
    expect(logs).not.toContain('Nội dung không được ghi');
  });
});
