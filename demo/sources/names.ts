import { type Rng, Weighted } from './random.js';

/**
 * Family names with their approximate share of the population (percent). Hoàng/Huỳnh and Vũ/Võ are
 * the same names, Huỳnh and Võ being the southern forms.
 */
const SURNAMES = new Weighted<string>([
  ['Nguyễn', 38.4],
  ['Trần', 12.1],
  ['Lê', 9.5],
  ['Phạm', 7.0],
  ['Hoàng', 3.0],
  ['Huỳnh', 2.1],
  ['Phan', 4.5],
  ['Vũ', 2.0],
  ['Võ', 1.9],
  ['Đặng', 2.1],
  ['Bùi', 2.0],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1.0],
  ['Lý', 0.5],
  ['Đinh', 0.9],
  ['Trương', 0.8],
  ['Đào', 0.7],
  ['Mai', 0.6],
  ['Lâm', 0.5],
  ['Trịnh', 0.5],
  ['Đoàn', 0.5],
  ['Lương', 0.4],
  ['Cao', 0.4],
  ['Hà', 0.4],
  ['Tô', 0.3],
  ['Tạ', 0.3],
  ['Chu', 0.2],
  ['Thái', 0.2],
  ['Lưu', 0.2],
  ['Triệu', 0.2],
  ['Quách', 0.1],
  ['Kiều', 0.1],
  ['Châu', 0.1],
  ['Vương', 0.1],
  ['Tăng', 0.1],
]);

const MALE_MIDDLE = Weighted.ranked([
  'Văn',
  'Minh',
  'Đức',
  'Hữu',
  'Quang',
  'Thanh',
  'Công',
  'Xuân',
  'Gia',
  'Hoàng',
  'Ngọc',
  'Trung',
  'Thành',
  'Anh',
  'Tuấn',
  'Bảo',
  'Đình',
  'Quốc',
]);

const FEMALE_MIDDLE = Weighted.ranked([
  'Thị',
  'Ngọc',
  'Thu',
  'Thanh',
  'Minh',
  'Phương',
  'Khánh',
  'Bảo',
  'Hồng',
  'Kim',
  'Thùy',
  'Mai',
  'Hoài',
  'Diệu',
  'Quỳnh',
  'Tường',
]);

const MALE_GIVEN = Weighted.ranked([
  'Anh',
  'Hùng',
  'Dũng',
  'Tuấn',
  'Minh',
  'Hải',
  'Nam',
  'Long',
  'Huy',
  'Quân',
  'Đức',
  'Thắng',
  'Sơn',
  'Phong',
  'Hoàng',
  'Khoa',
  'Bảo',
  'Khang',
  'Phúc',
  'Trung',
  'Thành',
  'Cường',
  'Hiếu',
  'Tùng',
  'Việt',
  'Hưng',
  'Đạt',
  'Kiên',
  'Vinh',
  'Tâm',
  'Lộc',
  'Nghĩa',
  'Toàn',
  'Thịnh',
  'Quý',
]);

const FEMALE_GIVEN = Weighted.ranked([
  'Anh',
  'Linh',
  'Hương',
  'Lan',
  'Hoa',
  'Mai',
  'Trang',
  'Ngọc',
  'Thảo',
  'Hà',
  'Huyền',
  'Phương',
  'Nhung',
  'Hằng',
  'Thủy',
  'Yến',
  'Vy',
  'Nhi',
  'Hạnh',
  'Dung',
  'Loan',
  'Chi',
  'Giang',
  'Trâm',
  'Quỳnh',
  'Oanh',
  'Hiền',
  'My',
  'Ngân',
  'Uyên',
  'Tuyết',
  'Nga',
]);

export type Gender = 1 | 2;

/** Given and middle names by gender; older generations mostly carry Văn (men) or Thị (women). */
export function personName(
  rng: Rng,
  gender: Gender,
  birthYear: number,
  surname = SURNAMES.sample(rng),
): string {
  const traditional = birthYear < 1985 ? 0.6 : 0.25;
  const middle =
    gender === 1
      ? rng.chance(traditional)
        ? 'Văn'
        : MALE_MIDDLE.sample(rng)
      : rng.chance(traditional)
        ? 'Thị'
        : FEMALE_MIDDLE.sample(rng);
  let given = (gender === 1 ? MALE_GIVEN : FEMALE_GIVEN).sample(rng);
  if (given === middle) given = (gender === 1 ? MALE_GIVEN : FEMALE_GIVEN).sample(rng);
  const secondMiddle =
    birthYear >= 1990 && rng.chance(0.1)
      ? ` ${(gender === 1 ? MALE_MIDDLE : FEMALE_MIDDLE).sample(rng)}`
      : '';
  return `${surname} ${middle}${secondMiddle} ${given}`;
}

export const surnameOf = (fullName: string) => fullName.split(' ')[0]!;
export const randomSurname = (rng: Rng) => SURNAMES.sample(rng);

/** Ethnic groups with their share of the population in the 2019 census (percent). */
export const ETHNICITIES = new Weighted<string>([
  ['Kinh', 85.3],
  ['Tày', 1.9],
  ['Thái', 1.9],
  ['Mường', 1.5],
  ['Mông', 1.5],
  ['Khmer', 1.4],
  ['Nùng', 1.1],
  ['Dao', 0.9],
  ['Hoa', 0.8],
  ['Gia Rai', 0.5],
  ['Ê Đê', 0.4],
  ['Ba Na', 0.3],
  ['Sán Chay', 0.2],
  ['Chăm', 0.2],
  ['Cơ Ho', 0.2],
  ['Xơ Đăng', 0.2],
  ['Sán Dìu', 0.2],
  ['Hrê', 0.1],
]);
