import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppNav } from './pages/app-nav';
import { SignInPage } from './pages/sign-in.page';
import { e2eAdmin, PASSWORD, uniqueEmail } from './support';

/** A tRPC query through the page's session cookie. */
async function query<T>(request: APIRequestContext, proc: string, input?: unknown): Promise<T> {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await request.get(`/api/trpc/${proc}${q}`);
  expect(res.ok(), `${proc}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()).result.data as T;
}

async function mutate<T>(request: APIRequestContext, proc: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${proc}`, { data: input });
  expect(res.ok(), `${proc}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()).result.data as T;
}

/** Someone new, in a browser of their own, accepting an invitation link. */
async function acceptInvitation(browser: Browser, link: string, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await expect(page.getByTestId('invite-summary')).toContainText(email);
  await page.getByTestId('invite-password').fill(PASSWORD);
  await page.getByTestId('invite-accept').click();
  await expect(page).toHaveURL(/\/models$/);
  await expect(new AppNav(page).userEmail).toHaveText(email);
  return page;
}

async function invite(admin: Page, email: string, role: string, team: string): Promise<string> {
  await admin.getByTestId('invite-email').fill(email);
  await admin.getByTestId('invite-role').selectOption(role);
  await admin.getByTestId('invite-teams').selectOption({ label: team });
  await admin.getByTestId('invite-submit').click();
  await expect(admin.getByTestId('invite-created')).toContainText(email);
  const link = (await admin.getByTestId('invite-link').textContent())!.trim();
  expect(link).toMatch(/\/invite\/mgw_inv_/);
  return link;
}

const manifestOf = (slug: string, version: number) => ({
  ...JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../models/logS-consensus/model.json'), 'utf8')),
  slug,
  name: `Team solubility ${slug}`,
  version,
  description: `version ${version}`,
});

test('an admin builds teams by invitation; a team model is seen by its team only; production moves wait for approval and are kept as history', async ({ browser }) => {
  test.setTimeout(300_000);
  const tag = Date.now().toString(36);
  const teamA = `chem-a-${tag}`;
  const teamB = `chem-b-${tag}`;

  // The admin signs in and opens the console.
  const admin = await (await browser.newContext()).newPage();
  const signIn = new SignInPage(admin);
  await signIn.goto();
  await signIn.signIn(e2eAdmin().email, e2eAdmin().password);
  await expect(admin).toHaveURL(/\/models$/);
  await admin.getByTestId('nav-admin').click();
  await expect(admin.getByTestId('admin-nav')).toBeVisible();

  // Two teams.
  await admin.getByTestId('admin-nav-teams').click();
  for (const name of [teamA, teamB]) {
    await admin.getByTestId('team-name').fill(name);
    await admin.getByTestId('team-create').click();
    await expect(admin.getByTestId(`team-${name}`)).toBeVisible();
  }

  // Invitation links: a member and a maintainer of team A, a member of team B.
  await admin.getByTestId('admin-nav-users').click();
  const memberEmail = uniqueEmail('member-a');
  const maintainerEmail = uniqueEmail('maintainer-a');
  const otherEmail = uniqueEmail('member-b');
  const memberLink = await invite(admin, memberEmail, 'member', teamA);
  const maintainerLink = await invite(admin, maintainerEmail, 'maintainer', teamA);
  const otherLink = await invite(admin, otherEmail, 'member', teamB);
  await expect(admin.getByTestId(`invitation-${memberEmail}`)).toContainText('pending');

  const member = await acceptInvitation(browser, memberLink, memberEmail);
  const maintainer = await acceptInvitation(browser, maintainerLink, maintainerEmail);
  const other = await acceptInvitation(browser, otherLink, otherEmail);
  // A link works once.
  const again = await (await browser.newContext()).newPage();
  await again.goto(memberLink);
  await expect(again.getByTestId('invite-page-error-code')).toHaveText('NOT_FOUND');

  // The admin registers a model visible to team A only, with production protected by approval.
  const teams = await query<{ id: string; name: string }[]>(admin.request, 'teams.list');
  const teamAId = teams.find((t) => t.name === teamA)!.id;
  const slug = `team-logs-${tag}`;
  await mutate(admin.request, 'models.registerManifest', { manifest: manifestOf(slug, 1), aliases: ['production'], access: { visibility: 'team', teamId: teamAId } });
  await mutate(admin.request, 'models.registerManifest', { manifest: manifestOf(slug, 2) });
  await admin.goto(`/models/${slug}`);
  await expect(admin.getByTestId('model-visibility')).toHaveText(`team ${teamA}`);
  // The box follows the saved policy, so it turns checked once the server has it.
  await admin.getByTestId('access-approval').click();
  await expect(admin.getByTestId('access-approval')).toBeChecked();

  // Team A's member sees it; team B's member does not, in the catalog or by its address.
  await member.goto(`/models/${slug}`);
  await expect(member.getByRole('heading', { name: `Team solubility ${slug}` })).toBeVisible();
  await other.goto(`/models/${slug}`);
  await expect(other.getByTestId('model-error-code')).toHaveText('NOT_FOUND');
  const listed = await query<{ items: { slug: string }[] }>(other.request, 'models.list', { search: slug });
  expect(listed.items).toEqual([]);
  const direct = await other.request.get(`/api/trpc/models.get?input=${encodeURIComponent(JSON.stringify({ slug }))}`);
  expect(direct.status()).toBe(404);
  expect((await direct.json()).error.data.appCode).toBe('NOT_FOUND');

  // The maintainer moves production to v2: it waits for an approver.
  await maintainer.goto(`/models/${slug}`);
  await maintainer.getByTestId('alias-name').fill('production');
  await maintainer.getByTestId('alias-version').selectOption('2');
  await maintainer.getByTestId('alias-reason').fill('v2 passed review');
  await maintainer.getByTestId('alias-submit').click();
  await expect(maintainer.getByTestId('alias-saved')).toContainText('Waiting for approval');
  await expect(maintainer.getByTestId('pending-promotion')).toContainText('v1 to v2');
  // The one who asked cannot approve their own move.
  await expect(maintainer.getByTestId('promotion-approve')).toHaveCount(0);
  expect((await query<{ aliases: Record<string, number> }>(maintainer.request, 'models.get', { slug })).aliases.production).toBe(1);

  // The admin approves it; the alias moves and the history says who asked, who approved, and why.
  await admin.reload();
  await expect(admin.getByTestId('pending-promotion')).toContainText(maintainerEmail);
  await admin.getByTestId('promotion-approve').click();
  await expect(admin.getByTestId('pending-promotion')).toHaveCount(0);
  const moved = admin.getByTestId('alias-event').first();
  await expect(moved).toContainText('production');
  await expect(moved).toContainText('v1');
  await expect(moved).toContainText('v2');
  await expect(moved).toContainText(maintainerEmail);
  await expect(moved).toContainText('v2 passed review');
  await expect(moved.getByTestId('alias-event-approver')).toHaveText(e2eAdmin().email);
  expect((await query<{ aliases: Record<string, number> }>(member.request, 'models.get', { slug })).aliases.production).toBe(2);
});

test('pages carry security headers, and a change with a session cookie from another site is refused', async ({ browser, baseURL }) => {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail('headers');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.register(email, PASSWORD);
  await expect(page).toHaveURL(/\/models$/);

  const res = await page.request.get('/settings');
  const h = res.headers();
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['referrer-policy']).toBe('same-origin');
  expect(h['x-powered-by']).toBeUndefined();

  const foreign = await page.request.post('/api/trpc/tokens.create', { data: { name: 'forged' }, headers: { origin: 'https://evil.example' } });
  expect(foreign.status()).toBe(403);
  expect((await foreign.json()).error.data.appCode).toBe('FORBIDDEN');
  const own = await page.request.post('/api/trpc/tokens.create', { data: { name: 'mine' }, headers: { origin: baseURL! } });
  expect(own.status()).toBe(200);
});
