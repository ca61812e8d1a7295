import { describe, expect, it } from 'vitest';
import { kindOfNodeId, nodeId, parseNodeId, sourceKeyOf } from './ids.js';

describe('lineage node ids', () => {
  it('read back into what they name, whatever their parts hold', () => {
    const subject = 'a'.repeat(32);
    const cases = [
      [
        nodeId.field(subject, 'population', 'fullName'),
        { kind: 'FIELD', subject, dataset: 'population', field: 'fullName' },
      ],
      [nodeId.field(subject, null, 'fullName'), { kind: 'FIELD', subject, dataset: null, field: 'fullName' }],
      [
        nodeId.source('sqlite:/tmp/a b/population.sqlite', 'cong_dan', sourceKeyOf({ id: 42, 'k=1': 'x,y' })),
        {
          kind: 'SOURCE',
          system: 'sqlite:/tmp/a b/population.sqlite',
          table: 'cong_dan',
          key: 'id=42,k%3D1=x%2Cy',
        },
      ],
      [
        nodeId.contract('c06-to-ba-dinh@x', 12),
        { kind: 'CONTRACT', contractId: 'c06-to-ba-dinh@x', version: 12 },
      ],
      [
        nodeId.hop('hub.local', 'ab12', '000.00.00.G09,2026/03/01,17/BTP-VP'),
        {
          kind: 'HOP',
          hubId: 'hub.local',
          message: 'ab12',
          documentId: '000.00.00.G09,2026/03/01,17/BTP-VP',
        },
      ],
      [
        nodeId.component('000.04.01.H26-260312-0007', 'nhan-than-me'),
        { kind: 'COMPONENT', dossierId: '000.04.01.H26-260312-0007', component: 'nhan-than-me' },
      ],
      [nodeId.run('population-demo-v3'), { kind: 'RUN', runId: 'population-demo-v3' }],
    ] as const;
    for (const [id, ref] of cases) {
      expect(parseNodeId(id)).toEqual(ref);
      expect(kindOfNodeId(id)).toBe(ref.kind);
    }
  });

  it('refuses what is not one: unknown kinds, wrong part counts, bad UUIDs, control characters, bad encoding', () => {
    for (const id of [
      'nothing',
      'thing:x',
      'access:not-a-uuid',
      'record:',
      'field:abc/population/fullName',
      `field:${'a'.repeat(32)}/Population/fullName`,
      `field:${'a'.repeat(32)}/population`,
      'contract:c1@0',
      'contract:c1',
      'component:only-one-part',
      'dossier:a%0Ab',
      'document:%E0%A4%A',
      `document:${'x'.repeat(1100)}`,
    ]) {
      expect(parseNodeId(id), id).toBeUndefined();
    }
  });
});
