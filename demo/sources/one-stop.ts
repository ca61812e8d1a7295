import type { ColumnType, SourceKind, SourceTable } from './ddl.js';
import { tableDdl } from './ddl.js';
import { openSink, WritePipeline } from './load.js';
import { Rng } from './random.js';

/**
 * A one-stop system's database (hệ thống một cửa điện tử) in the style of the open-source OpenCPS:
 * `opencps_dossier`, one row per dossier with its current status code and dates, and
 * `opencps_dossieraction`, one row per status change (the history a connector reads). Column names
 * are lower case, as Liferay's generated schema has them on PostgreSQL. Times are UTC.
 */
export interface OneStopOptions {
  driver: SourceKind;
  /** `postgres://…/db`, `mysql://…/db` (the database must exist), or a SQLite file path. */
  connection: string;
  /** Dossiers to generate (default 1,000). */
  dossiers?: number;
  /** Seed of the generator (default 1): the same options always give the same rows. */
  seed?: number;
  /** First and last day of submissions, `YYYY-MM-DD` (default 2025-07-01 … 2026-06-30). */
  from?: string;
  to?: string;
  /**
   * Share of dossiers with one impossible history row (default 0.005): a `done` (released) row
   * right after `new`, before the dossier was received. The hub's decider refuses it.
   */
  impossibleRate?: number;
  /** Organ codes of the agencies (default: the demo's ward committees and Hanoi's). */
  agencies?: readonly string[];
  /** Procedures: code, working days to process, fee in VND (default: the demo catalogue's). */
  procedures?: readonly OneStopProcedure[];
  /** How often each turn of a dossier's life happens (defaults: `ONE_STOP_MIX`). */
  mix?: Partial<OneStopMix>;
  onProgress?: (done: number, total: number) => void;
}

/** Shares of dossiers (each 0–1) that take a turn of their life; the generator's defaults are `ONE_STOP_MIX`. */
export interface OneStopMix {
  /** Submitted online (the rest at the desk, 5 % of them by post). */
  online: number;
  /** Withdrawn by the citizen before reception. */
  withdrawnAtIntake: number;
  /** Asked for papers once while processed. */
  supplement: number;
  /** Of those asked once, asked a second time (two supplement requests make a dossier overdue). */
  supplementAgain: number;
  /** Decided after the appointment. */
  late: number;
  /** Withdrawn while processed. */
  withdrawn: number;
  /** Denied (of those not withdrawn). */
  denied: number;
}

export const ONE_STOP_MIX: Readonly<OneStopMix> = {
  online: 0.6,
  withdrawnAtIntake: 0.02,
  supplement: 0.1,
  supplementAgain: 0,
  late: 0.12,
  withdrawn: 0.03,
  denied: 0.05,
};

export interface OneStopProcedure {
  code: string;
  name: string;
  days: number;
  fee: number;
}

export interface OneStopResult {
  dossiers: number;
  actions: number;
  /** Dossiers given an impossible history row. */
  impossible: number;
  durationMs: number;
}

export const ONE_STOP_AGENCIES: readonly string[] = [
  '000.04.01.H26',
  '000.08.01.H26',
  '000.70.01.H26',
  '000.21.01.H26',
  '000.00.00.H26',
];

export const ONE_STOP_PROCEDURES: readonly OneStopProcedure[] = [
  { code: '1.001193', name: 'Đăng ký khai sinh', days: 1, fee: 0 },
  { code: '1.000656', name: 'Đăng ký khai tử', days: 1, fee: 0 },
  { code: '1.000894', name: 'Đăng ký kết hôn', days: 1, fee: 0 },
  { code: '1.004873', name: 'Cấp Giấy xác nhận tình trạng hôn nhân', days: 3, fee: 3000 },
  { code: '1.004222', name: 'Đăng ký thường trú', days: 7, fee: 20000 },
  { code: '1.001612', name: 'Đăng ký thành lập hộ kinh doanh', days: 3, fee: 100000 },
  { code: '3.000333', name: 'Cấp Phiếu lý lịch tư pháp', days: 10, fee: 200000 },
];

const col = (name: string, type: ColumnType, notNull = false) => ({ name, type, notNull });

export const ONE_STOP_TABLES: { dossier: SourceTable; action: SourceTable } = {
  dossier: {
    name: 'opencps_dossier',
    key: 'dossierid',
    columns: [
      col('dossierid', 'bigint', true),
      col('groupid', 'bigint', true),
      col('createdate', 'timestamp', true),
      col('modifieddate', 'timestamp', true),
      col('referenceuid', 'varchar(75)'),
      col('dossierno', 'varchar(100)'),
      col('servicecode', 'varchar(50)', true),
      col('servicename', 'varchar(500)'),
      col('govagencycode', 'varchar(30)', true),
      col('applicantname', 'varchar(200)'),
      col('applicantidtype', 'varchar(20)'),
      col('applicantidno', 'varchar(30)'),
      col('address', 'varchar(500)'),
      col('contacttelno', 'varchar(30)'),
      col('dossierstatus', 'varchar(30)'),
      col('dossiersubstatus', 'varchar(30)'),
      col('online', 'bool', true),
      col('viapostal', 'int'),
      col('feeamount', 'numeric(12,0)'),
      col('submitdate', 'timestamp'),
      col('receivedate', 'timestamp'),
      col('duedate', 'timestamp'),
      col('finishdate', 'timestamp'),
      col('releasedate', 'timestamp'),
      col('canceldate', 'timestamp'),
    ],
    unique: [],
    indexed: [],
  },
  action: {
    name: 'opencps_dossieraction',
    key: 'dossieractionid',
    columns: [
      col('dossieractionid', 'bigint', true),
      col('dossierid', 'bigint', true),
      col('createdate', 'timestamp', true),
      col('modifieddate', 'timestamp', true),
      col('actioncode', 'varchar(30)'),
      col('actionname', 'varchar(200)'),
      col('prestatus', 'varchar(30)'),
      col('dossierstatus', 'varchar(30)', true),
      col('actionuser', 'varchar(100)'),
      col('actionnote', 'varchar(500)'),
      col('duedate', 'timestamp'),
    ],
    unique: [],
    indexed: [],
  },
};

/** The status codes the generator writes, with OpenCPS's action code and a Vietnamese action name. */
const ACTIONS: Record<string, [code: string, name: string]> = {
  new: ['1100', 'Nộp hồ sơ'],
  receiving: ['1110', 'Tiếp nhận hồ sơ'],
  processing: ['2100', 'Chuyển xử lý'],
  handover: ['2200', 'Chuyển bước xử lý'],
  waiting: ['3100', 'Yêu cầu bổ sung hồ sơ'],
  paying: ['4100', 'Thông báo nộp phí, lệ phí'],
  releasing: ['5100', 'Phê duyệt, chờ trả kết quả'],
  done: ['6100', 'Trả kết quả'],
  denied: ['7100', 'Từ chối giải quyết'],
  cancelled: ['8100', 'Công dân rút hồ sơ'],
};

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Đức', 'Ngọc', 'Hữu', 'Thanh'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dung', 'Hà', 'Hải', 'Hoa', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam'];
const STREETS = ['Đội Cấn', 'Kim Mã', 'Hoàng Hoa Thám', 'Phan Đình Phùng', 'Hàng Bài', 'Tràng Tiền'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `YYYY-MM-DD HH:MM:SS` (UTC), as the three databases take a timestamp literal. */
const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

/** The instant `days` working days (Monday–Friday) after `t`, at 10:00 UTC (17:00 in Vietnam). */
function workingDaysAfter(t: number, days: number): number {
  let day = Math.floor(t / DAY) * DAY;
  for (let n = 0; n < days; ) {
    day += DAY;
    const wd = new Date(day).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return day + 10 * HOUR;
}

/** A time during office hours (01:00–10:00 UTC, 08:00–17:00 in Vietnam) `days` after `t`'s day. */
const officeTime = (rng: Rng, t: number, days: number) =>
  Math.max(t + 5 * 60_000, Math.floor(t / DAY) * DAY + days * DAY + HOUR + rng.int(0, 9 * 3600) * 1000);

type Row = Record<string, unknown>;

/**
 * One dossier and its history: submitted, received with an appointment, handled (perhaps papers
 * asked for and supplied, a fee notified and paid), then released and returned, denied, or
 * withdrawn; steps after `end` are not written (the dossier is still in progress).
 */
function dossierHistory(
  rng: Rng,
  id: number,
  submitted: number,
  end: number,
  agency: string,
  procedure: OneStopProcedure,
  dossierNo: string,
  impossible: boolean,
  mix: OneStopMix,
): { dossier: Row; actions: [status: string, at: number, note: string | null, due: number | null][] } {
  const online = rng.chance(mix.online);
  const steps: [string, number, string | null, number | null][] = [['new', submitted, null, null]];
  let t = submitted;
  const step = (status: string, at: number, note: string | null = null, due: number | null = null) => {
    t = Math.max(at, t + 60_000);
    steps.push([status, t, note, due]);
  };
  if (impossible) step('done', t + rng.int(5, 60) * 60_000);
  let due: number | null = null;
  if (rng.chance(mix.withdrawnAtIntake))
    step('cancelled', officeTime(rng, t, rng.int(0, 1)), 'Công dân xin rút hồ sơ');
  else {
    const received = officeTime(rng, t, rng.chance(0.7) ? 0 : rng.int(1, 2));
    due = workingDaysAfter(received, procedure.days);
    step('receiving', received, null, due);
    step('processing', t + rng.int(10, 120) * 60_000);
    const late = rng.chance(mix.late);
    const span = Math.max(HOUR, due - t);
    if (rng.chance(mix.supplement)) {
      // the second request is drawn only when asked for: the default mix gives the same rows as before
      const rounds = mix.supplementAgain > 0 && rng.chance(mix.supplementAgain) ? 2 : 1;
      for (let round = 0; round < rounds; round++) {
        step('waiting', t + rng.next() * span * 0.5, 'Bổ sung bản sao giấy tờ tùy thân');
        const pause = rng.int(1, 5) * DAY;
        due += pause;
        step('processing', t + pause, null, due);
      }
    }
    if (procedure.fee > 0) {
      step('paying', t + rng.int(10, 180) * 60_000);
      step('processing', t + rng.int(1, 48) * HOUR);
    }
    if (procedure.days > 3 && rng.chance(0.5))
      step('handover', t + rng.next() * Math.max(HOUR, due - t) * 0.5);
    const decided = late ? due + rng.int(1, 5) * DAY : t + rng.next() * Math.max(HOUR, due - t);
    if (rng.chance(mix.withdrawn)) step('cancelled', t + rng.int(1, 8) * HOUR, 'Công dân xin rút hồ sơ');
    else if (rng.chance(mix.denied)) step('denied', decided, 'Hồ sơ không đủ điều kiện giải quyết');
    else {
      step('releasing', decided);
      step('done', t + rng.int(1, 72) * HOUR);
    }
  }
  const kept = steps.filter(([, at]) => at <= end);
  const last = kept.at(-1)!;
  const when = (status: string) => kept.find(([s]) => s === status)?.[1];
  const idNo = `001${rng.int(0, 3)}${String(rng.int(50, 99)).padStart(2, '0')}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
  const name = `${rng.pick(FAMILY)} ${rng.pick(MIDDLE)} ${rng.pick(GIVEN)}`;
  const dossier: Row = {
    dossierid: id,
    groupid: 35417,
    createdate: stamp(submitted),
    modifieddate: stamp(last[1]),
    referenceuid: `ref-${id}`,
    dossierno: dossierNo,
    servicecode: procedure.code,
    servicename: procedure.name,
    govagencycode: agency,
    applicantname: name,
    applicantidtype: 'citizen',
    applicantidno: idNo,
    address: `Số ${rng.int(1, 200)} phố ${rng.pick(STREETS)}, Hà Nội`,
    contacttelno: `09${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
    dossierstatus: last[0],
    dossiersubstatus: null,
    online,
    viapostal: online ? 0 : rng.chance(0.05) ? 1 : 0,
    feeamount: procedure.fee > 0 ? procedure.fee : null,
    submitdate: stamp(submitted),
    receivedate: when('receiving') === undefined ? null : stamp(when('receiving')!),
    duedate: due === null || when('receiving') === undefined ? null : stamp(due),
    finishdate: when('releasing') === undefined ? null : stamp(when('releasing')!),
    releasedate: when('done') === undefined ? null : stamp(when('done')!),
    canceldate: when('cancelled') === undefined ? null : stamp(when('cancelled')!),
  };
  return { dossier, actions: kept };
}

const BATCH = 20_000;

/**
 * Creates (dropping old ones) the one-stop tables and fills them with `dossiers` dossiers submitted
 * between `from` and `to`, deterministically from `seed`. PostgreSQL by COPY and MariaDB by LOAD DATA
 * (two connections, batches of 20,000 rows written while the next are generated), SQLite in
 * transactions; the history's cursor index `(modifieddate, dossieractionid)` after the load.
 */
export async function generateOneStop(options: OneStopOptions): Promise<OneStopResult> {
  const started = Date.now();
  const total = options.dossiers ?? 1000;
  const rng = new Rng(options.seed ?? 1);
  const first = Date.parse(`${options.from ?? '2025-07-01'}T00:00:00Z`);
  const last = Date.parse(`${options.to ?? '2026-06-30'}T00:00:00Z`) + DAY - 1;
  if (!(first <= last)) throw new RangeError('the period must start before it ends (--from, --to)');
  const agencies = options.agencies ?? ONE_STOP_AGENCIES;
  const procedures = options.procedures ?? ONE_STOP_PROCEDURES;
  const impossibleRate = options.impossibleRate ?? 0.005;
  const mix = { ...ONE_STOP_MIX, ...options.mix };
  const target = { kind: options.driver, url: options.connection };
  const sink = await openSink(target);
  const { dossier: dossierTable, action: actionTable } = ONE_STOP_TABLES;
  let actions = 0;
  let impossible = 0;
  try {
    await sink.exec(`${tableDdl(options.driver, dossierTable)}\n${tableDdl(options.driver, actionTable)}`);
    const writes = new WritePipeline(sink.writers);
    const sequence = new Map<string, number>();
    let dossierRows: Row[] = [];
    let actionRows: Row[] = [];
    const flush = async (done: number) => {
      if (dossierRows.length > 0) await writes.add(sink.write(dossierTable, dossierRows), () => {});
      if (actionRows.length > 0)
        await writes.add(sink.write(actionTable, actionRows), () => options.onProgress?.(done, total));
      dossierRows = [];
      actionRows = [];
    };
    // submissions in time order, spread over the period
    const step = (last - first) / total;
    for (let i = 0; i < total; i++) {
      const submitted = Math.floor(first + i * step + rng.next() * step);
      const agency = rng.pick(agencies);
      const procedure = rng.pick(procedures);
      const vnDay = new Date(submitted + 7 * HOUR).toISOString().slice(0, 10);
      const key = `${agency}|${vnDay}`;
      const seq = (sequence.get(key) ?? 0) + 1;
      sequence.set(key, seq);
      const dossierNo = `${agency}-${vnDay.slice(2, 4)}${vnDay.slice(5, 7)}${vnDay.slice(8, 10)}-${String(seq).padStart(4, '0')}`;
      const odd = rng.chance(impossibleRate);
      if (odd) impossible++;
      const h = dossierHistory(rng, i + 1, submitted, last, agency, procedure, dossierNo, odd, mix);
      dossierRows.push(h.dossier);
      let previous: string | null = null;
      for (const [status, at, note, due] of h.actions) {
        const [code, name] = ACTIONS[status]!;
        actionRows.push({
          dossieractionid: ++actions,
          dossierid: i + 1,
          createdate: stamp(at),
          modifieddate: stamp(at),
          actioncode: code,
          actionname: name,
          prestatus: previous,
          dossierstatus: status,
          actionuser: `cb.${agency.slice(4, 6)}.${rng.int(1, 9)}`,
          actionnote: note,
          duedate: due === null ? null : stamp(due),
        });
        previous = status;
      }
      if (actionRows.length >= BATCH) await flush(i + 1);
      else if ((i + 1) % 2000 === 0) await writes.yield();
    }
    await flush(total);
    await writes.drain();
    const index = `CREATE INDEX ix_dossieraction_modified ON ${actionTable.name} (modifieddate, dossieractionid)`;
    await sink.exec(
      options.driver === 'mariadb' ? `${index}; ANALYZE TABLE ${actionTable.name}` : `${index}; ANALYZE`,
    );
    options.onProgress?.(total, total);
    return { dossiers: total, actions, impossible, durationMs: Date.now() - started };
  } finally {
    await sink.close();
  }
}
