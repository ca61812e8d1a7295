import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { demoCitizen } from '../../../demo/sources/demo.js';
import { startDemoHub } from '../../testing/server.js';
import { tempDir } from '../../testing/temp.js';

/** Debian's Chromium; `.ci/run` installs it when missing. Without it this test fails. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Where the test leaves its screenshot of the page, for a person to look at. */
const SCREENSHOT = path.join(os.tmpdir(), 'lienthong-graphiql.png');

const COMMUNE = '000.04.01.H26';
const FIRST_QUERY = (personalId: string) =>
  `{ person(personalId: "${personalId}", purpose: "tthc-1.001193") { fullName dateOfBirth permanentResidence { communeCode provinceCode } release { contractId contractVersion consentId } } }`;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The text of a CodeMirror editor inside `container` (it renders some spaces as no-break spaces). */
async function editorText(page: Page, container: string): Promise<string> {
  const lines = await page.locator(`${container} .CodeMirror-line`).allTextContents();
  return lines
    .join('\n')
    .replace(/\u00a0/g, ' ')
    .replace(/\u200b/g, '');
}

describe('GraphiQL in a browser without network', () => {
  it("runs the demo's first query with a demo token and shows the answer", async () => {
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { base } = await startDemoHub(dir.dir, { onStarted: (hub) => cleanups.push(hub.stop) });
    const citizen = demoCitizen(dir.dir)!;

    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const served: string[] = [];
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin !== base) {
        blocked.push(url);
        return route.abort('blockedbyclient');
      }
      served.push(new URL(url).pathname);
      return route.continue();
    });
    const violations: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const graphqlStatuses: number[] = [];
    page.on('response', (response) => {
      if (response.url() === `${base}/graphql`) graphqlStatuses.push(response.status());
    });
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${base}/graphiql`);
    await page.locator('.graphiql-container').waitFor();
    expect(await page.title()).toBe('Lienthong hub · GraphiQL');

    // The demo helper mints a token; GraphiQL then loads the schema with it (full introspection).
    await page.locator('#lt-demo-form').waitFor();
    await page.selectOption('#lt-demo-agency', `${COMMUNE} consumer`);
    const introspected = page.waitForResponse(
      (response) =>
        response.url() === `${base}/graphql` &&
        (response.request().postData() ?? '').includes('__schema') &&
        response.status() === 200,
    );
    await page.getByRole('button', { name: 'Get demo token' }).click();
    await page.locator('#lt-status', { hasText: `Demo token of ${COMMUNE} as consumer` }).waitFor();
    const schema = (await (await introspected).json()) as { data?: { __schema?: unknown } };
    expect(schema.data?.__schema).toBeTruthy();
    await expect
      .poll(() => editorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)'))
      .toMatch(/"Authorization": "Bearer ey/);
    const kept = await page.evaluate("sessionStorage.getItem('lienthong.graphiql.token')");
    expect(kept).toMatch(/^ey/);

    // Type the query into the editor, run it, read the answer from the result pane.
    await page.locator('.graphiql-query-editor .CodeMirror').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(FIRST_QUERY(citizen.personalId));
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response .CodeMirror-line', { hasText: '"contractId"' }).waitFor();
    const answer = JSON.parse(await editorText(page, '.graphiql-response')) as {
      data: { person: { fullName: string; release: { contractId: string; consentId: string | null } } };
    };
    expect(answer.data.person).toMatchObject({
      fullName: citizen.fullName.normalize('NFC').replace(/\s+/g, ' ').trim(),
      release: { contractId: 'c06-to-ba-dinh-birth-registration', consentId: null },
    });

    await page.screenshot({ path: SCREENSHOT });

    // The token outlives a reload of the tab (sessionStorage); a pasted token works the same way.
    const introspectedAgain = () =>
      page.waitForResponse(
        (r) => r.url() === `${base}/graphql` && r.request().postData()!.includes('__schema'),
      );
    let again = introspectedAgain();
    await page.reload();
    expect((await again).status()).toBe(200);
    expect(await page.inputValue('#lt-token')).toBe(kept);
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await page.evaluate("sessionStorage.getItem('lienthong.graphiql.token')")).toBeNull();
    await page.fill('#lt-token', `Bearer ${kept}`);
    again = introspectedAgain();
    await page.getByRole('button', { name: 'Use token' }).click();
    expect((await again).status()).toBe(200);
    expect(await page.evaluate("sessionStorage.getItem('lienthong.graphiql.token')")).toBe(kept);

    expect(blocked).toEqual([]);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
    // No request went out before there was a token (it could only have been refused).
    expect(graphqlStatuses).toEqual([200, 200, 200, 200]);
    expect(served).toEqual(
      expect.arrayContaining([
        '/graphiql',
        expect.stringMatching(/^\/graphiql\/assets\/graphiql\.[\w-]+\.js$/),
      ]),
    );
  }, 180_000);
});
