import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { PrismaService } from '../src/database/prisma.service';
import type { Prisma } from '../src/generated/prisma/client';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { AdminClient } from './support/admin-client';
import { launchChromium, screenshot } from './support/browser';
import { registerSecret } from './support/run-secrets';
import { fakeOpenAiCatalogYaml } from './support/catalog-yaml';
import { startGateway, type TestGateway } from './support/gateway';

// Builds ui/ into dist/ui when the build is missing or older than its sources.
const { buildUiIfNeeded } = require('../scripts/build-ui-if-needed') as { buildUiIfNeeded: () => boolean };

/** In the page: the form controls and buttons without a label, an aria-label or text (their HTML). */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => !el.labels?.length && !el.getAttribute('aria-label') && !el.textContent.trim())
  .map((el) => el.outerHTML)`;

/** Set to write docs/console-overview.png (the README's screenshot) from the overview test. */
const DOCS_SCREENSHOT = process.env.SWITCHBOARD_DOCS_SCREENSHOT === '1';

jest.setTimeout(60_000);

describe('admin console (/ui) in headless chromium', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let admin: AdminClient;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildUiIfNeeded();
    browser = await launchChromium();
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    gw = await startGateway({ yaml: fakeOpenAiCatalogYaml(fake.baseUrl) });
    admin = new AdminClient(gw.url, gw.masterKey);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('dialog', (d) => void d.accept());
  });
  afterEach(async () => {
    await screenshot(page, expect.getState().currentTestName!.replace(/\W+/g, '-'));
    await page.close();
  });

  const signIn = async (credential: string) => {
    await page.goto(`${gw.url}/ui/`);
    await page.getByLabel('Admin credential').fill(credential);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const open = (title: string) =>
    page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
  const summaryCost = async () =>
    (await admin.request<{ totals: { cost_usd: string } }>('GET', '/admin/usage/summary')).body.totals
      .cost_usd;

  it('serves the built console with immutable assets, a no-cache index, an SPA fallback and a strict CSP', async () => {
    const index = await fetch(`${gw.url}/ui/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/<script>|<style|https?:\/\//);
    const fallback = await fetch(`${gw.url}/ui/keys`);
    expect(fallback.headers.get('content-type')).toContain('text/html');
    expect(await fallback.text()).toBe(html);
    const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${gw.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${gw.url}/ui/assets/nope.js`)).status).toBe(404);
    // The first load (every built asset) stays under 400 KB gzipped.
    const assets = path.resolve(__dirname, '../dist/ui/assets');
    const gzipped = readdirSync(assets).reduce(
      (sum, f) => sum + gzipSync(readFileSync(path.join(assets, f))).length,
      0,
    );
    expect(gzipped).toBeLessThan(400 * 1024);
  });

  it('shows the API error for a wrong credential, not a blank page', async () => {
    await signIn('sk-sb-not-a-real-key');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid API key');
    expect(await page.getByLabel('Admin credential').isVisible()).toBe(true);
  });

  it('creates a team and a key, shows the key once, meters a call exactly and refuses it after revocation', async () => {
    const browserErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && browserErrors.push(m.text()));
    await signIn(gw.masterKey);
    await open('Teams');
    const createTeam = page.getByRole('form', { name: 'Create team' });
    await createTeam.getByLabel('Team name').fill('research');
    await createTeam.getByLabel('Budget (USD)').fill('25');
    await createTeam.getByLabel('Budget period').selectOption('30d');
    await createTeam.getByRole('button', { name: 'Create team' }).click();
    await page.locator('tr[data-team="research"]').waitFor();

    await open('Keys');
    const createKey = page.getByRole('form', { name: 'Create key' });
    await createKey.getByLabel('Key name').fill('ui-key');
    await createKey.getByLabel('Key team').selectOption({ label: 'research' });
    await createKey.getByRole('button', { name: 'Create key' }).click();
    const notice = page.getByRole('alert', { name: 'New key' });
    await expect(notice.textContent()).resolves.toContain('you will not see this again');
    const key = (await notice.locator('code[data-secret="API key"]').textContent())!;
    expect(key).toMatch(/^sk-sb-/);
    registerSecret(key);
    registerSecret((await notice.locator('code[data-secret="Webhook secret"]').textContent())!);
    const created = (
      await admin.request<{ data: Array<{ id: string; team_id: string | null }> }>(
        'GET',
        '/admin/keys?name=ui-key',
      )
    ).body.data[0]!;
    await notice.getByRole('button', { name: 'I have copied them' }).click();
    expect(await page.content()).not.toContain(key);

    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    fake.script({ kind: 'text', text: 'hi', usage: { prompt_tokens: 1200, completion_tokens: 3400 } });
    await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });
    // 1200 × 0.15 + 3400 × 0.60 per 1M = 0.00222
    let cost = '0';
    for (let i = 0; i < 100 && cost === '0'; i++) {
      cost = await summaryCost();
      if (cost === '0') await new Promise((r) => setTimeout(r, 100));
    }
    expect(cost).toBe('0.00222');

    await open('Overview');
    await page.locator('[data-total="cost_usd"]').waitFor();
    expect(await page.locator('[data-total="cost_usd"]').textContent()).toBe(`$${cost}`);
    expect(await page.locator('[data-total="requests"]').textContent()).toBe('1');
    await page.locator('.chart canvas').waitFor();
    if (DOCS_SCREENSHOT) {
      await seedPastWeek(gw.config.databaseUrl, created.id, created.team_id!);
      await page.reload();
      await page.locator('.chart canvas').waitFor();
      await screenshot(page, 'overview', path.resolve(__dirname, '../docs/console-overview.png'));
    }

    await open('Usage logs');
    const row = page.locator('tr[data-usage]').first();
    expect(await row.locator('[data-cost]').textContent()).toBe(`$${cost}`);
    expect(await row.locator('time').getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const filters = page.getByRole('search');
    await filters.getByLabel('Status').selectOption('error');
    await expect(page.locator('.empty').textContent()).resolves.toBe('No usage records match.');
    await filters.getByLabel('Status').selectOption('success');
    await filters.getByLabel('Provider').selectOption('openai');
    await filters.getByLabel('Key').selectOption({ label: 'ui-key' });
    await row.waitFor();
    const [csv, csvRequest] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForRequest((r) => r.url().includes('format=csv')),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(new URL(csvRequest.url()).searchParams.toString()).toBe(
      `key_id=${created.id}&provider=openai&status=success&format=csv`,
    );
    expect(csv.suggestedFilename()).toBe('usage.csv');
    expect(readFileSync((await csv.path())!, 'utf8')).toContain(cost);
    await row.press('Enter');
    await expect(page.getByRole('dialog').textContent()).resolves.toContain('gpt-fake');
    await page.keyboard.press('Escape');

    await open('Keys');
    await page.locator('tr[data-key="ui-key"]').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tr[data-key="ui-key"]').waitFor({ state: 'detached' });
    await expect(
      client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'again' }] }),
    ).rejects.toMatchObject({ status: 401 });
    expect(browserErrors).toEqual([]);
  }, 90_000);

  it('shows the catalog, the audit log and the video tasks (empty state) to an admin', async () => {
    await signIn(gw.masterKey);
    await open('Models');
    const model = page.getByRole('article', { name: 'Model gpt-fake' });
    await expect(model.textContent()).resolves.toContain('stored (write-only)');
    expect(await page.content()).not.toContain('sk-upstream');
    await model.getByRole('button', { name: 'Disable' }).click();
    await model.getByRole('button', { name: 'Enable' }).waitFor();
    await model.getByRole('button', { name: 'Enable' }).click();
    await model.getByRole('button', { name: 'Disable' }).waitFor();
    await model.getByRole('button', { name: 'Edit prices' }).click();
    await page.getByRole('dialog').getByLabel('Input per 1M tokens', { exact: true }).fill('0.25');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const stored = (
      await admin.request<{ pricing: { input_per_mtok: string } }>('GET', '/admin/models/gpt-fake')
    ).body.pricing.input_per_mtok;
    expect(Number(stored)).toBe(0.25);
    await model.filter({ hasText: `input_per_mtok ${stored}` }).waitFor();
    await expect(model.textContent()).resolves.toContain(`input_per_mtok ${stored}`);
    await open('Audit log');
    await page
      .getByRole('row', { name: /^Audit entry / })
      .first()
      .waitFor();
    expect(await page.getByRole('cell', { name: 'team.create' }).count()).toBeGreaterThan(0);
    await open('Video tasks');
    await expect(page.locator('.empty').textContent()).resolves.toBe('No video tasks match.');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('adds a deployment, edits aliases and fallbacks, and shows the API error for an unknown fallback', async () => {
    await signIn(gw.masterKey);
    await open('Models');
    const add = page.getByRole('form', { name: 'Add deployment' });
    await add.getByLabel('Public model').fill('gpt-backup');
    await add.getByLabel('Upstream model').fill('gpt-4o-mini');
    await add.getByLabel('Base URL').fill(`${fake.baseUrl}/v1`);
    await add.getByLabel('Provider credential').fill('sk-upstream');
    await add.getByRole('button', { name: 'Add deployment' }).click();
    await page.getByRole('article', { name: 'Model gpt-backup' }).waitFor();

    const model = page.getByRole('article', { name: 'Model gpt-fake' });
    const editRoutes = async (fallbacks: string) => {
      await model.getByRole('button', { name: 'Edit aliases and fallbacks' }).click();
      const dialog = page.getByRole('dialog', { name: 'Aliases and fallbacks of gpt-fake' });
      await dialog.getByLabel('Aliases (comma-separated)').fill('fast-chat, cheap-chat');
      await dialog.getByLabel('Fallbacks', { exact: true }).fill(fallbacks);
      await dialog.getByRole('button', { name: 'Save' }).click();
      return dialog;
    };
    const refused = await editRoutes('no-such-model');
    await expect(refused.getByRole('alert').textContent()).resolves.toContain(
      "unknown model 'no-such-model'",
    );
    await page.keyboard.press('Escape');
    await (await editRoutes('gpt-backup')).waitFor({ state: 'detached' });
    await model.filter({ hasText: 'Fallbacks: gpt-backup' }).waitFor();
    await expect(model.textContent()).resolves.toContain(
      'Aliases: fast-chat, cheap-chat · Fallbacks: gpt-backup',
    );
    const stored = (
      await admin.request<{ aliases: string[]; fallbacks: string[] }>('GET', '/admin/models/gpt-fake')
    ).body;
    expect(stored).toMatchObject({ aliases: ['fast-chat', 'cheap-chat'], fallbacks: ['gpt-backup'] });
  });

  it('resolves a held video task: charges the typed amount', async () => {
    const owner = await admin.createKey({ name: 'video-owner' });
    const id = randomBytes(16).toString('hex');
    await gw.app.get(PrismaService).videoTask.create({ data: heldVideoTask(id, owner.id) });
    await signIn(gw.masterKey);
    await open('Video tasks');
    const row = page.getByRole('row', { name: `Video task ${id}` });
    await row.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: `Resolve video task ${id}` });
    await dialog.getByLabel('Decision').selectOption('charge');
    await dialog.getByLabel('Charge (USD; empty: the reserved amount)').fill('0.25');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The list is fetched again after the dialog closes: wait for it before reading the row.
    await row.filter({ hasText: 'charged' }).waitFor();
    await expect(row.textContent()).resolves.toContain('charged');
    expect(await row.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    const task = (
      await admin.request<{ settlement: string; cost_usd: string }>('GET', `/admin/video-tasks/${id}`)
    ).body;
    expect(task).toMatchObject({ settlement: 'charged', cost_usd: '0.25' });
  });

  it('edits and deletes a team, edits a key and rotates it with a grace period (new secrets shown once)', async () => {
    const team = await admin.createTeam({ name: 'edit-me' });
    const old = await admin.createKey({ name: 'rotate-me', team_id: team.id });
    registerSecret(old.key);
    await signIn(gw.masterKey);
    await open('Teams');
    const teamRow = page.locator('tr[data-team="edit-me"]');
    await teamRow.getByRole('button', { name: 'Edit' }).click();
    const editTeam = page.getByRole('dialog', { name: 'Edit team edit-me' });
    await editTeam.getByLabel('Budget (USD)').fill('12.5');
    await editTeam.getByLabel('Budget period').selectOption('7d');
    await editTeam.getByRole('button', { name: 'Save' }).click();
    await editTeam.waitFor({ state: 'detached' });
    await expect(teamRow.textContent()).resolves.toContain('$12.5 per 7d');
    // The period's reset time, in the viewer's zone with UTC on hover.
    expect(await teamRow.locator('time').first().getAttribute('title')).toMatch(/ UTC$/);

    await open('Keys');
    const keyRow = page.locator('tr[data-key="rotate-me"]');
    await keyRow.getByRole('button', { name: 'Edit' }).click();
    const editKey = page.getByRole('dialog', { name: 'Edit key rotate-me' });
    await editKey.getByLabel('Budget (USD)').fill('3');
    await editKey.getByRole('button', { name: 'Save' }).click();
    await editKey.waitFor({ state: 'detached' });
    await expect(keyRow.textContent()).resolves.toContain('$0 / $3');
    await keyRow.getByRole('button', { name: 'Rotate' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate key rotate-me' });
    await rotate.getByLabel('Grace period').fill('600');
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    const notice = page.getByRole('alert', { name: 'New key' });
    const rotated = (await notice.locator('code[data-secret="API key"]').textContent())!;
    registerSecret(rotated);
    expect(rotated).not.toBe(old.key);
    await notice.getByRole('button', { name: 'I have copied them' }).click();
    expect(await page.content()).not.toContain(rotated);
    for (const secret of [old.key, rotated]) {
      const me = await fetch(`${gw.url}/v1/key`, { headers: { authorization: `Bearer ${secret}` } });
      expect(me.status).toBe(200);
    }

    await open('Teams');
    await teamRow.getByRole('button', { name: 'Delete' }).click();
    await teamRow.waitFor({ state: 'detached' });
    expect((await admin.request('GET', `/admin/teams/${team.id}`)).status).toBe(404);
  });

  it('every page: reachable by keyboard, its controls labelled, never stuck loading or failing', async () => {
    await signIn(gw.masterKey);
    await page.locator('.who').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    for (const title of await nav.getByRole('link').allTextContents()) {
      await nav.getByRole('link', { name: title }).focus();
      await page.keyboard.press('Enter');
      await expect(page.evaluate('document.activeElement?.tagName')).resolves.toBe('H1');
      expect(await page.locator('h1').textContent()).toBe(title);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      expect(await page.getByRole('alert').count()).toBe(0);
      const unlabelled = await page.evaluate<string[]>(UNLABELLED_CONTROLS);
      expect({ title, unlabelled }).toEqual({ title, unlabelled: [] });
    }
  });

  it('shows a team_admin only its own team', async () => {
    const alpha = await admin.createTeam({ name: 'alpha' });
    const beta = await admin.createTeam({ name: 'beta' });
    const teamAdmin = await admin.createKey({ name: 'alpha-admin', team_id: alpha.id, role: 'team_admin' });
    await admin.createKey({ name: 'alpha-member', team_id: alpha.id });
    await admin.createKey({ name: 'beta-member', team_id: beta.id });

    await signIn(teamAdmin.key);
    await page.locator('.who[data-role="team_admin"]').waitFor();
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link', { name: 'Teams' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await open('Keys');
    await page.locator('tr[data-key="alpha-member"]').waitFor();
    expect(await page.locator('tr[data-key="beta-member"]').count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Create key' }).getByLabel('Key team').count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin credential').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

/** A video task the maximum task age ended: failed with `task_timeout`, its reservation held (as video-admin.e2e-spec.ts). */
function heldVideoTask(id: string, keyId: string): Prisma.VideoTaskCreateInput {
  return {
    id,
    keyId,
    model: 'kling-x',
    deploymentId: 'dep-1',
    provider: 'kling',
    upstreamModel: 'kling-v2-master',
    upstreamTaskId: 'up-ui',
    dialect: 'kling',
    request: { prompt: 'a cat' },
    seconds: '5',
    resolution: '720p',
    reservationId: randomUUID(),
    reservedUsd: '0.4',
    requestId: 'req_ui_video',
    status: 'failed',
    settlement: 'held',
    completedAt: new Date(),
    error: { code: 'task_timeout', message: 'the task did not finish within the maximum task age' },
  };
}

/** For the README's screenshot only: six earlier days of daily rollups, so the chart has a shape. */
async function seedPastWeek(databaseUrl: string, keyId: string, teamId: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const days = [
      ['gpt-fake', 'openai', 412, 3, '1.2345600000'],
      ['gpt-fake', 'openai', 655, 9, '2.0417000000'],
      ['claude-fake', 'anthropic', 230, 1, '3.1100000000'],
      ['gpt-fake', 'openai', 890, 14, '2.7700500000'],
      ['claude-fake', 'anthropic', 512, 2, '4.0200000000'],
      ['gpt-fake', 'openai', 301, 0, '0.9800000000'],
    ] as const;
    for (const [i, [model, provider, requests, errors, cost]] of days.entries())
      await db.query(
        `INSERT INTO usage_daily (day, key_id, team_id, model, provider, requests, errors, prompt_tokens,
           completion_tokens, reasoning_tokens, cached_tokens, video_seconds, cost_usd)
         VALUES (current_date - $1::int, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, 0, $10)`,
        [6 - i, keyId, teamId, model, provider, requests, errors, requests * 900, requests * 400, cost],
      );
  } finally {
    await db.end();
  }
}
