import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCHANGE_ORGANS,
  exchangeTestOrgans,
  type HubNetwork,
  startHubNetwork,
} from '../../testing/exchange-hubs.js';
import { canCreateHosts, createTestHosts, type TestHosts } from '../../testing/netns.js';

// The same exchange as hubs.int.test.ts, with each hub on a host of its own: a network namespace
// per hub, joined by a bridge, so hubs talk over a real network link and not loopback.
const { MINISTRY, HANOI, WARD } = EXCHANGE_ORGANS;
const organs = exchangeTestOrgans().filter((o) => [MINISTRY, HANOI, WARD].includes(o.organCode as never));

const SEND = `mutation ($input: SendDocumentInput!) { sendDocument(input: $input) { documentId routes { hubId action } } }`;
const STATUS = `mutation ($input: DocumentStatusInput!) { reportDocumentStatus(input: $input) { documentId } }`;

// Creating namespaces needs root and iproute2 (as on the CI machine); elsewhere this file says so.
describe.skipIf(!canCreateHosts())(
  'the document exchange between hubs on separate hosts',
  { timeout: 120_000 },
  () => {
    let hosts: TestHosts;
    let net: HubNetwork;
    beforeAll(async () => {
      hosts = createTestHosts(3);
      net = await startHubNetwork(
        organs,
        [
          { hubId: 'hub.central', root: true, organs: [MINISTRY] },
          { hubId: 'hub.h26', organs: [HANOI] },
          { hubId: 'hub.ward', organs: [WARD] },
        ],
        { hosts },
      );
    }, 120_000);
    afterAll(async () => {
      await net?.stop();
      hosts?.remove();
    }, 60_000);

    it('carries a document across three hosts and its statuses back', async () => {
      expect(new Set([...net.hubs.values()].map((h) => new URL(h.base).hostname)).size).toBe(3);
      const sent = await net.graphql<{ sendDocument: { documentId: string } }>(
        'hub.central',
        MINISTRY,
        SEND,
        {
          input: {
            to: [WARD],
            codeNumber: '7',
            codeNotation: 'BTP-VP',
            place: 'Hà Nội',
            documentType: 'Công văn',
            subject: 'Về việc kết nối liên thông',
            signerPosition: 'Chánh Văn phòng',
            signerFullName: 'Nguyễn Văn A',
          },
        },
      );
      expect(sent.errors).toBeUndefined();
      const documentId = sent.data!.sendDocument.documentId;
      const until = Date.now() + 60_000;
      const poll = async <T>(check: () => Promise<T | undefined>): Promise<T> => {
        for (;;) {
          const value = await check();
          if (value !== undefined) return value;
          if (Date.now() > until) throw new Error('timed out');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      };
      await poll(async () => {
        const r = await net.graphql<{ exchangeInbox: { items: { documentId: string }[] } }>(
          'hub.ward',
          WARD,
          '{ exchangeInbox(first: 50) { items { documentId } } }',
        );
        return r.data?.exchangeInbox.items.some((i) => i.documentId === documentId) ? true : undefined;
      });
      for (const statusCode of ['01', '06']) {
        expect(
          (await net.graphql('hub.ward', WARD, STATUS, { input: { documentId, statusCode } })).errors,
        ).toBeUndefined();
      }
      const trail = await poll(async () => {
        const r = await net.graphql<{
          exchangeDocument: {
            recipients: { lastStatus: string | null }[];
            trail: { hubId: string; type: string }[];
          };
        }>(
          'hub.central',
          MINISTRY,
          'query ($id: String!) { exchangeDocument(documentId: $id) { recipients { lastStatus } trail(acrossHubs: true) { hubId type } } }',
          { id: documentId },
        );
        return r.data?.exchangeDocument.recipients[0]?.lastStatus === '06'
          ? r.data.exchangeDocument.trail
          : undefined;
      });
      for (const hub of ['hub.central', 'hub.h26', 'hub.ward']) {
        expect(
          trail.filter((e) => e.hubId === hub && e.type === 'ExchangeMessageAccepted').length,
        ).toBeGreaterThan(0);
      }
    });
  },
);
