import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { exchangeProjection } from './index.js';

// Two demo organs with demo X.509 credentials (demo/agencies.yaml); the hub, alone, serves both.
const MINISTRY = '000.00.00.G09';
const SOCIAL_SECURITY = '000.00.00.G22';
const SEND = `mutation ($input: SendDocumentInput!) { sendDocument(input: $input) { documentId } }`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 1, projections: [...API_PROJECTIONS, exchangeProjection] });
}, 60_000);
afterAll(async () => hub?.close());

describe('the inbox of an organ’s document system (GET /exchange/v1/inbox)', () => {
  it('pages with `next`: each page starts after the last item of the one before, none again', async () => {
    const sender = await hub.token(MINISTRY, 'provider');
    const sent: string[] = [];
    for (const n of [1, 2, 3]) {
      const result = await hub.gql(sender, SEND, {
        input: {
          to: [SOCIAL_SECURITY],
          codeNumber: String(n),
          codeNotation: 'BTP-VP',
          place: 'Hà Nội',
          documentType: 'Công văn',
          subject: `Văn bản ${n}`,
          signerPosition: 'Chánh Văn phòng',
          signerFullName: 'Nguyễn Văn A',
        },
      });
      expect(result.errors).toBeUndefined();
      sent.push((result.data!.sendDocument as { documentId: string }).documentId);
    }
    await hub.settle();

    const recipient = await hub.token(SOCIAL_SECURITY, 'provider');
    const page = async (after: number | null) => {
      const response = await hub.app.inject({
        url: `/exchange/v1/inbox?limit=2${after === null ? '' : `&after=${after}`}`,
        headers: { authorization: `Bearer ${recipient}` },
      });
      expect(response.statusCode).toBe(200);
      return response.json() as { items: { documentId: string; position: number }[]; next: number | null };
    };
    const first = await page(null);
    const second = await page(first.next);
    const third = await page(second.next);
    expect([...first.items, ...second.items].map((i) => i.documentId)).toEqual(sent);
    expect(first.next).toBe(first.items.at(-1)!.position);
    expect(second.items[0]!.position).toBeGreaterThan(first.next!);
    expect(third).toEqual({ items: [], next: null });
  });
});
