import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import { buildUpsert, loadDatasets, type RecordSealing } from '../../hub/modules/records/index.js';
import { ADMIN_UNITS_DATA_DIR, UNIT_LIST_FILE } from '../data/admin-units.js';
import { seededRandom } from '../random.js';
import type { DemoDataset, SeedStream } from './dataset.js';

/** Bump when the generated citizens change. */
export const POPULATION_DEMO_VERSION = 1;
const FETCHED_AT = '2025-06-30T00:00:00.000Z';

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE = {
  male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Công', 'Xuân'],
  female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Hồng', 'Bảo', 'Kim'],
};
const GIVEN = {
  male: [
    'An',
    'Bình',
    'Dũng',
    'Hải',
    'Hiếu',
    'Hùng',
    'Khánh',
    'Long',
    'Minh',
    'Nam',
    'Phong',
    'Phúc',
    'Quân',
    'Quang',
    'Sơn',
    'Thắng',
    'Trung',
    'Tuấn',
    'Việt',
    'Đạt',
  ],
  female: [
    'Anh',
    'Chi',
    'Giang',
    'Hà',
    'Hạnh',
    'Hoa',
    'Hương',
    'Lan',
    'Linh',
    'Mai',
    'Nga',
    'Ngọc',
    'Nhung',
    'Phương',
    'Tâm',
    'Thảo',
    'Trang',
    'Vân',
    'Yến',
    'Hằng',
  ],
};
const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Hùng Vương',
  'Điện Biên Phủ',
];
const ETHNICITIES = [
  'Kinh',
  'Kinh',
  'Kinh',
  'Kinh',
  'Kinh',
  'Kinh',
  'Tày',
  'Thái',
  'Mường',
  'Khmer',
  'Hoa',
  'Nùng',
  "H'Mông",
];
const RELATIONS = ['head', 'spouse', 'child', 'child', 'parent'] as const;

/** The same seed always yields the same citizens. */
function prng(seed: number) {
  const r = seededRandom(seed);
  const int = (n: number) => Math.floor(r.next() * n);
  return { int, pick: r.pick };
}

interface Commune {
  provinceCode: string;
  districtCode: string;
  communeCode: string;
  level: string;
}

function readCommunes(dataDir: string): Commune[] {
  const rows = parse(fs.readFileSync(path.join(dataDir, UNIT_LIST_FILE), 'utf8'), {
    from_line: 2,
    relax_column_count: true,
  }) as string[][];
  return rows
    .filter((r) => /^[0-9]{2}$/.test(r[1] ?? '') && /^[0-9]{5}$/.test(r[5] ?? ''))
    .map((r) => ({ provinceCode: r[1]!, districtCode: r[3]!, communeCode: r[5]!, level: r[6] ?? '' }));
}

/** Synthetic population records (plaintext), deterministic for a given count and seed. */
export function syntheticCitizens(count: number, options: { seed?: number; dataDir?: string } = {}) {
  const rand = prng(options.seed ?? 20250701);
  const communes = readCommunes(options.dataDir ?? ADMIN_UNITS_DATA_DIR);
  const ids = new Set<string>();
  const out: Record<string, unknown>[] = [];
  let household = 0;
  while (out.length < count) {
    const gender = rand.int(2) === 0 ? 'male' : 'female';
    const year = 1950 + rand.int(70);
    const commune = rand.pick(communes);
    const centuryGender = (year >= 2000 ? 2 : 0) + (gender === 'female' ? 1 : 0);
    const personalId = `0${commune.provinceCode}${centuryGender}${String(year % 100).padStart(2, '0')}${String(rand.int(1_000_000)).padStart(6, '0')}`;
    if (ids.has(personalId)) continue;
    ids.add(personalId);
    const month = 1 + rand.int(12);
    const day = 1 + rand.int(28);
    const village =
      commune.level === 'Xã' ? `Thôn ${1 + rand.int(12)}` : `Số ${1 + rand.int(200)} ${rand.pick(STREETS)}`;
    if (rand.int(3) === 0 || household === 0) household++;
    out.push({
      personalId,
      fullName: `${rand.pick(FAMILY)} ${rand.pick(MIDDLE[gender])} ${rand.pick(GIVEN[gender])}`.normalize(
        'NFC',
      ),
      dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      gender,
      ethnicity: rand.pick(ETHNICITIES),
      permanentResidence: {
        address: village,
        communeCode: commune.communeCode,
        districtCode: commune.districtCode,
        provinceCode: commune.provinceCode,
      },
      household: {
        householdId: `HK-${commune.provinceCode}-${String(household).padStart(6, '0')}`,
        relationToHead: rand.pick(RELATIONS),
      },
    });
  }
  return out;
}

/**
 * A few hundred synthetic citizens of the population dataset, as sealed record events (personal
 * fields encrypted under each citizen's key, streams named by pseudonym). The fingerprint depends
 * on the hub's secret, since pseudonyms and versions do.
 */
export function populationDataset(
  sealing: RecordSealing,
  options: { count?: number; dataDir?: string } = {},
): DemoDataset {
  const count = options.count ?? 300;
  const def = loadDatasets().get('population')!;
  return {
    name: 'population',
    async fingerprint() {
      const hubTag = createHmac('sha256', sealing.versionKey).update('population-demo').digest('hex');
      return createHash('sha256')
        .update(`population v${POPULATION_DEMO_VERSION}\n${count}\n${hubTag}`)
        .digest('hex');
    },
    async build(): Promise<SeedStream[]> {
      const citizens = syntheticCitizens(count, { dataDir: options.dataDir });
      return citizens.map((record, row) => {
        const metadata = buildMetadata({
          occurredAt: FETCHED_AT,
          actor: { kind: 'system', id: 'demo-seed' },
          correlationId: `population-demo-v${POPULATION_DEMO_VERSION}`,
          source: {
            connector: 'demo-seed',
            runId: `population-demo-v${POPULATION_DEMO_VERSION}`,
            system: 'synthetic',
            table: 'citizens',
            primaryKey: { row },
            fetchedAt: FETCHED_AT,
          },
        });
        const { stream, event } = buildUpsert(def, record, { sealing, previousVersion: null, metadata });
        return { stream, events: [event] };
      });
    },
  };
}
