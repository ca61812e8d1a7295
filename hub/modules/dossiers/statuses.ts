/** The internal statuses of a dossier (README: the lifecycle table). */
export const dossierStatuses = [
  'submitted',
  'refused',
  'received',
  'processing',
  'awaiting-supplement',
  'awaiting-payment',
  'approved',
  'rejected',
  'stopped',
  'result-issued',
  'returned',
  'withdrawn',
] as const;
export type DossierStatus = (typeof dossierStatuses)[number];

/**
 * Status codes of the national public service portal (Cổng Dịch vụ công quốc gia), field
 * `TrangThaiHoSo` of the dossier synchronisation: README "Portal status codes" says where they come
 * from and which mappings are this hub's own reading.
 */
export const portalStatusCodes = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
} as const;
export type PortalStatusCode = keyof typeof portalStatusCodes;

/** The portal code each internal status is synchronised as. */
export const portalStatusOf: Readonly<Record<DossierStatus, PortalStatusCode>> = {
  submitted: 1,
  refused: 3,
  received: 2,
  processing: 4,
  'awaiting-supplement': 5,
  'awaiting-payment': 6,
  approved: 4,
  rejected: 9,
  stopped: 8,
  'result-issued': 9,
  returned: 10,
  withdrawn: 7,
};

/** Statuses in which processing goes on (the dossier is neither closed nor waiting to be received). */
export const inProcess: ReadonlySet<DossierStatus> = new Set([
  'received',
  'processing',
  'awaiting-supplement',
  'awaiting-payment',
  'approved',
]);

/** Statuses with no way out except rating (returned) or none at all. */
export const closedStatuses: ReadonlySet<DossierStatus> = new Set([
  'refused',
  'rejected',
  'stopped',
  'result-issued',
  'returned',
  'withdrawn',
]);
