import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDemoToken } from '../../../demo/keys.js';
import { demoCitizen } from '../../../demo/sources/demo.js';
import { DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import type { Role } from '../../kernel/principal.js';
import { startDemoHub } from '../../testing/server.js';
import { tempDir } from '../../testing/temp.js';
import { buildConsoleBundle, CONSOLE_CSP } from './index.js';

/** Debian's Chromium; `.ci/run` installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
/** Where the test leaves its screenshots, for a person to look at (git-ignored). */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../.artifacts/console');

const INSPECTORATE = '000.00.00.G17';
const COMMUNE = '000.04.01.H26';
const PURPOSE = 'tthc-1.001193';
const RELEASE = `query Release($id: String!) {
  person(personalId: $id, purpose: "${PURPOSE}") { fullName dateOfBirth release { accessId } }
}`;
/** Outside the commune's contract: refused and recorded (FIELD_NOT_IN_CONTRACT). */
const REFUSED = `query Refused($id: String!) { person(personalId: $id, purpose: "${PURPOSE}") { household { householdId } } }`;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Hub {
  base: string;
  dir: string;
  citizen: { personalId: string; fullName: string };
  token(
    agency: string,
    role: Role,
    official: string,
    options?: { ttlSec?: number; now?: Date },
  ): Promise<string>;
  gql(
    token: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ data?: unknown; errors?: unknown[] }>;
}

/** What the browser saw go wrong: requests to other origins, policy violations, script errors. */
interface Watch {
  blocked: string[];
  violations: string[];
  pageErrors: string[];
}

async function newPage(context: BrowserContext, base: string, watch: Watch): Promise<Page> {
  const page = await context.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith('blob:') && new URL(url).origin !== base) {
      watch.blocked.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) watch.violations.push(message.text());
  });
  return page;
}

/** `YYYY-MM` of an instant in Vietnam. */
const vietnamMonth = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
  }).format(at);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** The lines of an accessibility snapshot naming a control without a name. */
async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot
    .split('\n')
    .filter((line) =>
      /^\s*- (textbox|combobox|button|link|checkbox|radio|spinbutton)\s*(\[[^\]]*\])?\s*(:.*)?$/.test(line),
    );
}

const chromiumMissing = !fs.existsSync(CHROMIUM);
if (chromiumMissing)
  console.warn(`console browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

describe.skipIf(chromiumMissing)(
  'the inspector console in headless Chromium',
  () => {
    let hub: Hub;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let inspectorToken: string;
    const watch: Watch = { blocked: [], violations: [], pageErrors: [] };

    beforeAll(async () => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await buildConsoleBundle({ ifStale: true });
      const temp = tempDir();
      cleanups.push(() => temp.remove());
      const { base } = await startDemoHub(temp.dir, {
        readyWithinMs: 180_000,
        onStarted: (started) => cleanups.push(started.stop),
      });
      const citizen = demoCitizen(temp.dir)!;
      hub = {
        base,
        dir: temp.dir,
        citizen,
        token: (agency, role, official, options = {}) =>
          mintDemoToken({
            dataDir: temp.dir,
            agency,
            role,
            official,
            audience: DEFAULT_AUDIENCE,
            ...options,
          }),
        gql: async (token, query, variables) => {
          const response = await fetch(`${base}/graphql`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ query, variables }),
          });
          return (await response.json()) as { data?: unknown; errors?: unknown[] };
        },
      };
      // A commune reads the citizen's data under its contract twice, and is refused a field once.
      const consumer = await hub.token(COMMUNE, 'consumer', 'CB-0042');
      for (let i = 0; i < 2; i++) {
        const released = await hub.gql(consumer, RELEASE, { id: citizen.personalId });
        expect(released.errors).toBeUndefined();
      }
      const refused = await hub.gql(consumer, REFUSED, { id: citizen.personalId });
      expect(refused.errors).toHaveLength(1);
      inspectorToken = await hub.token(INSPECTORATE, 'inspector', 'TT-0001');

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      cleanups.push(() => browser.close());
      context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
      page = await newPage(context, hub.base, watch);
    }, 240_000);

    it('serves the page under its policy and names what went wrong with a token', async () => {
      const response = await page.goto(`${hub.base}/console/`);
      expect(response!.headers()['content-security-policy']).toBe(CONSOLE_CSP);
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('vi');
      const token = page.getByLabel('Mã truy cập của thanh tra');
      const signIn = page.getByRole('button', { name: 'Đăng nhập', exact: true });

      const expired = await hub.token(INSPECTORATE, 'inspector', 'TT-0001', {
        ttlSec: 60,
        now: new Date(Date.now() - 3_600_000),
      });
      await token.fill(expired);
      await signIn.click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Mã truy cập đã hết hạn');

      await token.fill(await hub.token(COMMUNE, 'consumer', 'CB-0042'));
      await signIn.click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('vai trò “bên khai thác”');

      await token.fill('not-a-token');
      await signIn.click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('không phải là một mã JWT');
      await shot(page, '01-sign-in-refused');
    });

    it('signs an inspector in: who is signed in shown, the token kept in the tab and in no address', async () => {
      await page.getByLabel('Mã truy cập của thanh tra').fill(`Bearer ${inspectorToken}`);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      const session = page.getByRole('region', { name: 'Đang đăng nhập' });
      await session.waitFor();
      expect(await session.textContent()).toContain(`Thanh tra Chính phủ (${INSPECTORATE})`);
      expect(await session.textContent()).toContain('TT-0001');
      expect(await session.textContent()).toContain('thanh tra');
      expect(await page.evaluate("sessionStorage.getItem('lienthong.console.token')")).toBe(inspectorToken);
      expect(page.url()).toBe(`${hub.base}/console/access-log`);
      expect(page.url()).not.toContain(inspectorToken.slice(0, 20));
      // a reload keeps the session (verified again)
      await page.reload();
      await page.getByRole('region', { name: 'Đang đăng nhập' }).waitFor();
    });

    it('searches the access log by the citizen and exports exactly the filtered slice', async () => {
      await page.getByLabel('Số định danh cá nhân của công dân').fill(hub.citizen.personalId);
      await page.getByRole('button', { name: 'Tìm kiếm' }).click();
      const table = page.getByRole('table', { name: 'Các lần truy cập' });
      await table.waitFor();
      expect(page.url()).toContain(`#personalId=${hub.citizen.personalId}`);
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
      const outcomes = await rows.locator('td:nth-child(2)').allTextContents();
      expect(outcomes.filter((o) => o.startsWith('Đã cung cấp'))).toHaveLength(2);
      expect(outcomes.filter((o) => o.startsWith('Từ chối'))).toHaveLength(1);
      await shot(page, '02-access-log');

      // released only
      await page.getByLabel('Kết quả').selectOption('RELEASED');
      await page.getByRole('button', { name: 'Tìm kiếm' }).click();
      await expect.poll(() => page.url()).toContain('outcome=RELEASED');
      await expect.poll(() => rows.count()).toBe(2);
      const status = page.getByRole('status').filter({ hasText: 'Kết quả' });
      expect(await status.textContent()).toContain('Kết quả 1–2 trong 2');

      const csvDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Xuất CSV' }).click();
      const csv = await csvDownload;
      expect(csv.suggestedFilename()).toMatch(/^access-log-.*\.csv$/);
      const csvText = fs.readFileSync((await csv.path())!, 'utf8');
      const csvLines = csvText.trim().split(/\r?\n/);
      expect(csvLines).toHaveLength(3);
      for (const line of csvLines.slice(1)) expect(line).toContain('RELEASED');
      await page.getByRole('status').filter({ hasText: 'Đã tải xuống' }).waitFor();

      const jsonDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Xuất JSON' }).click();
      const json = JSON.parse(fs.readFileSync((await (await jsonDownload).path())!, 'utf8')) as {
        outcome: string;
      }[];
      expect(json).toHaveLength(2);
      expect(json.every((entry) => entry.outcome === 'RELEASED')).toBe(true);
      await shot(page, '03-access-log-exported');
    });

    it('opens the lineage of an access at depth 1, expands a node, highlights the path; Back undoes it', async () => {
      await page
        .getByRole('table', { name: 'Các lần truy cập' })
        .getByRole('link', { name: /Xem nguồn gốc/ })
        .first()
        .click();
      await page.getByRole('heading', { level: 1, name: 'Nguồn gốc dữ liệu' }).waitFor();
      expect(page.url()).toMatch(/\/console\/lineage#by=access&id=/);
      const nodes = page.locator('.react-flow__node');
      await expect.poll(() => nodes.count()).toBeGreaterThan(1);
      const before = await nodes.count();
      const expandable = page
        .locator('.react-flow__node:has(.node-more)')
        .filter({ hasNotText: 'Lần truy cập' });
      expect(await expandable.count()).toBeGreaterThan(0);
      const target = expandable.first();
      const targetId = await target.getAttribute('data-id');
      await target.click();
      await expect.poll(() => nodes.count()).toBeGreaterThan(before);
      expect(decodeURIComponent(page.url())).toContain(`exp=${targetId}`);
      expect(decodeURIComponent(page.url())).toContain(`sel=${targetId}`);
      expect(await page.locator('.lineage-node.on-path').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('.react-flow__edge.on-path').count()).toBeGreaterThanOrEqual(1);
      const details = page.getByRole('complementary', { name: 'Chi tiết nút' });
      expect(await details.textContent()).toContain(targetId!);
      await page.getByRole('status').filter({ hasText: 'Đã mở rộng' }).waitFor();
      await shot(page, '04-lineage-expanded');

      // Enter on a focused node selects it (and expands it when it has more)
      const rootNode = page.locator('.react-flow__node').first();
      const rootId = (await rootNode.getAttribute('data-id'))!;
      expect(rootId).toMatch(/^access:/);
      await rootNode.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => decodeURIComponent(page.url())).toContain(`sel=${rootId}`);
      expect(await details.textContent()).toContain(rootId);

      await page.goBack();
      await expect.poll(() => decodeURIComponent(page.url())).toContain(`sel=${targetId}`);
      await page.goBack();
      await expect.poll(() => nodes.count()).toBe(before);
    });

    it('opens the 766 index by group, drills down to an indicator and the dossiers behind its figure', async () => {
      // the demo's dossiers cover the five months before today: last month is complete
      const [year, month] = vietnamMonth(new Date()).split('-').map(Number) as [number, number];
      const lastMonth = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
      await page
        .getByRole('navigation', { name: 'Các trang' })
        .getByRole('link', { name: 'Chỉ số 766' })
        .click();
      await page.getByLabel('Kỳ', { exact: true }).fill(lastMonth);
      await page.getByRole('button', { name: 'Xem' }).click();
      await expect.poll(() => page.url()).toContain(`period=${lastMonth}`);
      const groups = page.getByRole('table', { name: 'Các nhóm chỉ số' });
      await groups.waitFor();
      expect(await groups.locator('tbody tr').count()).toBe(5);
      expect(await page.getByRole('img', { name: /Biểu đồ cột điểm theo nhóm/ }).count()).toBe(1);
      await shot(page, '05-service-index');

      await groups.getByRole('link', { name: 'Tiến độ, kết quả giải quyết' }).click();
      const indicators = page.getByRole('table', { name: 'Các chỉ số' });
      await indicators.waitFor();
      expect(page.url()).toContain('group=progress');
      const denominator = indicators.getByRole('link', { name: /Hồ sơ của .*Mẫu số/ }).first();
      const figure = Number((await denominator.textContent())!.split(' ')[0]!.replace(/\./g, ''));
      expect(figure).toBeGreaterThan(0);
      await denominator.click();
      const dossiers = page.getByRole('table', { name: 'Các hồ sơ' });
      await dossiers.waitFor();
      expect(page.url()).toContain('part=DENOMINATOR');
      // the dossiers listed are exactly those counted
      const status = page.getByRole('status').filter({ hasText: 'Kết quả' });
      await expect.poll(() => status.textContent()).toMatch(/trong [\d.]+$/);
      const total = Number(/trong ([\d.]+)$/.exec((await status.textContent())!)![1]!.replace(/\./g, ''));
      expect(total).toBe(figure);
      expect(await dossiers.locator('tbody tr').count()).toBe(Math.min(total, 50));
      await shot(page, '06-service-index-dossiers');
      await page.goBack();
      await indicators.waitFor();
    });

    it('shows data quality by dataset and opens a finding', async () => {
      // the hub judges its datasets once a minute: wait for the demo sources' first finding
      await expect
        .poll(
          async () => {
            const found = await hub.gql(inspectorToken, '{ dataQualityFindings { total } }', {});
            return (found.data as { dataQualityFindings?: { total: number } } | undefined)
              ?.dataQualityFindings?.total;
          },
          { timeout: 120_000, interval: 2_000 },
        )
        .toBeGreaterThan(0);
      await page
        .getByRole('navigation', { name: 'Các trang' })
        .getByRole('link', { name: 'Chất lượng dữ liệu' })
        .click();
      const datasets = page.getByRole('table', { name: 'Các tập dữ liệu' });
      await datasets.waitFor();
      expect(await datasets.locator('tbody tr').count()).toBe(7);
      await page.getByLabel('Hiển thị').selectOption('all');
      const findings = page.getByRole('table', { name: 'Các phát hiện' });
      await findings.waitFor();
      await shot(page, '07-data-quality');
      const first = findings.getByRole('link').first();
      const name = (await first.textContent())!;
      await first.click();
      await page
        .getByRole('heading', { level: 2, name: `Phát hiện: ${name.replace(/ \(.*\)$/, '')}` })
        .waitFor();
      expect(page.url()).toContain('finding=');
      await page.getByRole('table', { name: 'Cần xem' }).waitFor();
      await shot(page, '08-data-quality-finding');
    }, 180_000);

    it('switches to English and keeps the choice', async () => {
      await page.goto(`${hub.base}/console/service-index`);
      await page.getByRole('heading', { level: 1, name: /Quyết định 766/ }).waitFor();
      await page.getByLabel('Ngôn ngữ').selectOption('en');
      await page.getByRole('heading', { level: 1, name: /Decision 766/ }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: /Decision 766/ }).waitFor();
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Access log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Data access log' }).waitFor();
      await shot(page, '09-english');
      await page.getByLabel('Language').selectOption('vi');
      await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập dữ liệu' }).waitFor();
    });

    it('has landmarks, a name for every control, headers on every table', async () => {
      await page.evaluate("localStorage.setItem('lienthong.console.language', 'vi')");
      for (const route of ['access-log', 'lineage', 'service-index', 'quality']) {
        await page.goto(`${hub.base}/console/${route}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByRole('status').first().waitFor();
        expect(await page.getByRole('banner').count(), route).toBe(1);
        expect(await page.getByRole('main').count(), route).toBe(1);
        expect(await page.getByRole('navigation', { name: 'Các trang' }).count(), route).toBe(1);
        expect(await unnamedControls(page), route).toEqual([]);
        for (const table of await page.locator('table').all()) {
          expect(await table.locator('thead th[scope="col"]').count(), route).toBeGreaterThan(0);
          expect(await table.locator('caption').count(), route).toBe(1);
        }
      }
    });

    it('signs out: the token is forgotten', async () => {
      await page.goto(`${hub.base}/console/access-log`);
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
      expect(await page.evaluate("sessionStorage.getItem('lienthong.console.token')")).toBeNull();
    });

    it("signs in with a demo token from the demo inspectorate's key (a hub with demo data)", async () => {
      await page.getByLabel('Cơ quan thanh tra mẫu', { exact: true }).selectOption(INSPECTORATE);
      await page.getByRole('button', { name: 'Nhận mã thử nghiệm và đăng nhập' }).click();
      const session = page.getByRole('region', { name: 'Đang đăng nhập' });
      await session.waitFor();
      expect(await session.textContent()).toContain('console-demo');
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    });

    it('can be used by keyboard alone: skip link, sign-in and a search', async () => {
      const keyboard = await newPage(
        await browser.newContext({ viewport: { width: 1280, height: 900 } }),
        hub.base,
        watch,
      );
      await keyboard.goto(`${hub.base}/console/access-log`);
      await keyboard.bringToFront();
      await keyboard.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
      /** The focused element as `tag#id:text`. */
      const focused = () =>
        keyboard.evaluate<string>(
          "(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + '#' + e.id + ':' + (e.textContent ?? '').trim().slice(0, 40) : ''; })()",
        );
      /** Tabs until the focused element matches, at most `limit` times. */
      const tabTo = async (pattern: RegExp, limit = 30) => {
        for (let i = 0; i < limit; i++) {
          await keyboard.keyboard.press('Tab');
          if (pattern.test(await focused())) return;
        }
        throw new Error(`no ${pattern} within ${limit} tabs (at ${await focused()})`);
      };
      await keyboard.keyboard.press('Tab');
      expect(await focused()).toMatch(/^button#:Bỏ qua, đến nội dung chính/);
      // focus is visible
      expect(await keyboard.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
      await keyboard.keyboard.press('Enter');
      expect(await focused()).toMatch(/^main#main/);
      await tabTo(/^input#token/);
      await keyboard.keyboard.insertText(inspectorToken);
      await keyboard.keyboard.press('Enter');
      await keyboard.getByRole('region', { name: 'Đang đăng nhập' }).waitFor();
      // the address asked for is kept through the sign-in
      expect(keyboard.url()).toBe(`${hub.base}/console/access-log`);
      await tabTo(/^input#filter-personal-id/);
      await keyboard.keyboard.insertText(hub.citizen.personalId);
      await keyboard.keyboard.press('Enter');
      const rows = keyboard.getByRole('table', { name: 'Các lần truy cập' }).locator('tbody tr');
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
      await tabTo(/^a#:Xem nguồn gốc/, 80);
      await keyboard.keyboard.press('Enter');
      await keyboard.getByRole('heading', { level: 1, name: 'Nguồn gốc dữ liệu' }).waitFor();
      expect(await focused()).toMatch(/^h1#page-heading/);
      await shot(keyboard, '10-keyboard');
    });

    it('loaded nothing from another origin, broke no policy and threw no error', () => {
      expect(watch.blocked).toEqual([]);
      expect(watch.violations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    });
  },
  300_000,
);
