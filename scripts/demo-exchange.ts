import type { DemoKit } from './demo-dossier.js';

const HANOI = '000.00.00.H26'; // Hanoi People's Committee
const WARD = '000.04.01.H26'; // Phường Ba Đình (People's Committee)
const OLD_DISTRICT = '001.00.00.H26'; // Quận Ba Đình, abolished on 1 July 2025 (successor: Phường Ba Đình)

const SEND = `mutation($input: SendDocumentInput!) {
  sendDocument(input: $input) { documentId duplicate routes { addressed organCode action hubId successorHops { from to on } } } }`;
const STATUS =
  'mutation($input: DocumentStatusInput!) { reportDocumentStatus(input: $input) { documentId kind } }';

/**
 * Act three: an official letter (công văn) from the Hanoi People's Committee to a ward, as a signed
 * edXML envelope through the exchange — addressed to the ward and to the district abolished in the
 * 2025 reorganisation (it reaches the district's successor, the hop recorded); a secret document
 * refused; the ward's statuses back to Hanoi; the document's trail.
 */
export async function actThree(kit: DemoKit): Promise<void> {
  console.log('\n══ Act three: an official document between agencies (edXML, signed, with statuses back)');
  const { gql, show } = kit;
  const hanoi = await kit.token(HANOI, 'provider', 'VT-HN-01');
  const ward = await kit.token(WARD, 'consumer', 'VT-BD-02');
  const letter = {
    to: [WARD, OLD_DISTRICT],
    codeNumber: '1024',
    codeNotation: 'UBND-KSTTHC',
    place: 'Hà Nội',
    documentType: 'Công văn',
    subject: 'Về việc đẩy mạnh tái sử dụng dữ liệu đã số hóa trong giải quyết thủ tục hành chính',
    content: 'Đề nghị các đơn vị không yêu cầu công dân nộp lại giấy tờ đã được số hóa.',
    signerPosition: 'Chủ tịch',
    signerFullName: 'Trần Sỹ Thanh',
    priority: 1,
  };
  const sent = await gql(hanoi, SEND, { input: letter });
  show(
    "18. Hanoi's People's Committee sends a signed letter to Phường Ba Đình and to the former Quận Ba Đình (abolished 1 July 2025: its successor receives it)",
    sent,
  );
  const documentId = (sent.data?.sendDocument as { documentId: string } | undefined)?.documentId;
  if (!documentId) return;
  show(
    '19. A document marked secret (Mật) never travels through the exchange: refused at the sending hub, and the refusal recorded',
    await gql(hanoi, SEND, { input: { ...letter, to: [WARD], securityLevel: 1 } }),
  );
  show(
    "20. The ward's document system reads its inbox",
    await gql(
      ward,
      '{ exchangeInbox(kind: DOCUMENT, first: 5) { items { documentId fromOrgan businessType acceptedAt envelopeUrl } } }',
    ),
  );
  for (const statusCode of ['01', '03', '05', '06']) {
    await gql(ward, STATUS, {
      input: { documentId, statusCode, department: 'Văn phòng', staff: 'VT-BD-02' },
    });
  }
  show(
    '21. … and answers: 01 arrived, 03 registered, 05 in progress, 06 done — Hanoi sees each recipient',
    await gql(
      hanoi,
      `query($id: String!) { exchangeDocument(documentId: $id) {
        documentId subject recipients { addressed organCode lastStatus acknowledgedAt doneAt } } }`,
      { id: documentId },
    ),
  );
  show(
    '22. Its messages on this hub: the letter and each status (`trail` lists every event; `acrossHubs: true` follows it from hub to hub)',
    await gql(
      hanoi,
      'query($id: String!) { exchangeDocument(documentId: $id) { messages { kind fromOrgan businessType statusCode acceptedAt } } }',
      { id: documentId },
    ),
  );
}
