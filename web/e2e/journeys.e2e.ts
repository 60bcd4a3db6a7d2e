// The journeys of issue 5 in a real browser against the real gateway, database and Redis.
// They build on each other (one organisation, its people and tickets), so they run in order.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  consoleErrors,
  describeViolations,
  gql,
  gqlInPage,
  launchChromium,
  newPage,
  newStrictPage,
  screenshot,
  screenshotsTaken,
  seriousAxeViolations,
  unique,
} from './helpers';
import { linkIn, waitForMail } from './outbox';

const base = inject('baseUrl');
const outbox = inject('outboxDir');
const run = unique();
const org = { name: `Acme ${run}`, slug: `acme-${run}` };
const owner = { name: 'Olivia Owner', email: `olivia.${run}@acme.example`, password: 'correct horse battery' };
const agent = { name: 'Arjun Agent', email: `arjun.${run}@acme.example`, password: 'agent password 42' };
const requester = { name: 'Rosa Requester', email: `rosa.${run}@acme.example`, password: 'requester pass 42' };

let browser: Browser;
let ownerPage: Page;
let agentPage: Page;
let requesterPage: Page;
let ownerToken = '';
let requestNumber = '';

const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token } }';

async function logInAs(page: Page, who: { email: string; password: string }) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function acceptInvitation(page: Page, link: string, who: { name: string; password: string }) {
  await page.goto(link);
  await page.getByLabel(/Your name/).fill(who.name);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
}

/** Invites someone as the admin on `page`; the link comes from the invitee's mail, never the app. */
async function invite(page: Page, who: { name: string; email: string }, role: string, picture?: string): Promise<string> {
  const since = Date.now();
  await page.goto(`${base}/admin/members`);
  await page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(who.name);
  await dialog.getByLabel('Email').fill(who.email);
  await dialog.getByLabel('Role').selectOption(role);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.getByText(`Invitation sent to ${who.email}: the link goes to their mailbox only; it works for 7 days.`).waitFor();
  expect(await dialog.getByRole('textbox').count()).toBe(0);
  expect(await dialog.innerText()).not.toMatch(/invitations\/|fdi_/);
  if (picture) await screenshot(page, picture);
  await dialog.getByRole('button', { name: 'Done' }).click();
  return linkIn(await waitForMail(outbox, { to: who.email, containing: '/invitations/', since }), '/invitations/');
}

beforeAll(async () => {
  browser = await launchChromium();
});

// A failed journey leaves a picture of every open page, and what their consoles said.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  const pages = { owner: ownerPage, agent: agentPage, requester: requesterPage };
  for (const [who, page] of Object.entries(pages)) {
    if (page && !page.isClosed()) await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}-${who}`);
  }
  if (consoleErrors.length) console.log(consoleErrors.join('\n'));
});

afterAll(async () => {
  await browser?.close();
  console.log(`screenshots (web/test-results/screenshots/):\n  ${screenshotsTaken().join('\n  ')}`);
});

describe.sequential('Ferrodesk in Chromium', () => {
  it('is served by the gateway: the app revalidates, hashed assets are cached for a year', async () => {
    const page = await fetch(`${base}/tickets/INC-0001`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${base}/assets/missing-0000.js`)).status).toBe(404);
  });

  it('signs up on the landing page, with errors next to their fields, and lands in the workspace', async () => {
    ({ page: ownerPage } = await newPage(browser));
    await ownerPage.goto(base);
    await ownerPage.getByRole('heading', { name: /service desk/ }).waitFor();
    await ownerPage.getByLabel('Organisation name').fill(org.name);
    await ownerPage.getByLabel('Workspace address').fill(org.slug);
    await ownerPage.getByLabel('Your name').fill(owner.name);
    await ownerPage.getByLabel('Work email').fill(owner.email);
    await ownerPage.getByLabel('Password').fill('short');
    await screenshot(ownerPage, '01-landing');
    await ownerPage.getByRole('button', { name: 'Create workspace' }).click();

    // The gateway refuses the password: its sentence appears under the field, which is marked invalid.
    const password = ownerPage.getByLabel('Password');
    await ownerPage.waitForSelector('#' + (await password.getAttribute('id')) + '-error');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    const error = await ownerPage.locator(`#${await password.getAttribute('id')}-error`).innerText();
    expect(error).toMatch(/^[A-Z].*\.$/);
    await screenshot(ownerPage, '02-sign-up-error');

    await password.fill(owner.password);
    await ownerPage.getByRole('button', { name: 'Create workspace' }).click();
    await ownerPage.waitForURL(`${base}/queue`);
    await ownerPage.getByRole('heading', { name: 'My open tickets' }).waitFor();
    await ownerPage.getByText('Nothing on your plate').waitFor();

    // Until the address is confirmed, the workspace says so and the password does not sign in again.
    await ownerPage.getByText(`Confirm ${owner.email}: we sent you a link. Until then you cannot sign in again with your password.`).waitFor();
    await screenshot(ownerPage, '02a-confirm-banner');
    const early = await gql(base, LOG_IN, { i: { email: owner.email, password: owner.password } });
    expect(early.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('confirms the address with the link from the mail, then logs out and in with the password', async () => {
    const link = linkIn(await waitForMail(outbox, { to: owner.email, containing: '/account/confirm/' }), '/account/confirm/');
    expect(link).toMatch(new RegExp(`^${base}/account/confirm/fdc_`));
    await ownerPage.goto(link);
    await ownerPage.getByRole('heading', { name: 'Your address is confirmed' }).waitFor();
    await screenshot(ownerPage, '02b-address-confirmed');
    await ownerPage.getByRole('link', { name: 'Continue to Ferrodesk' }).click();
    await ownerPage.waitForURL(`${base}/queue`);
    await ownerPage.getByRole('heading', { name: 'My open tickets' }).waitFor();
    expect(await ownerPage.getByText(/we sent you a link/).count()).toBe(0);

    // The link works once.
    const { page: again, context } = await newPage(browser);
    await again.goto(link);
    await again.getByText('This confirmation link has expired or has already been used.').waitFor();
    await context.close();

    await ownerPage.getByRole('button', { name: /account menu/ }).click();
    await ownerPage.getByRole('menuitem', { name: 'Sign out' }).click();
    await ownerPage.waitForURL(`${base}/login`);
    await logInAs(ownerPage, owner);
    await ownerPage.waitForURL(`${base}/queue`);
    await ownerPage.getByRole('heading', { name: 'My open tickets' }).waitFor();

    const login = await gql<{ logIn: { token: string } }>(base, LOG_IN, { i: { email: owner.email, password: owner.password } });
    ownerToken = login.data?.logIn.token ?? '';
    expect(ownerToken).toMatch(/^fds_/);
  });

  it('invites an agent and a requester by mail only, who open their links and set their passwords', async () => {
    const agentLink = await invite(ownerPage, agent, 'AGENT', '03a-invitation-sent');
    const requesterLink = await invite(ownerPage, requester, 'REQUESTER');
    expect(agentLink).toMatch(new RegExp(`^${base}/invitations/fdi_`));
    await ownerPage.getByRole('cell', { name: agent.email }).waitFor();
    await screenshot(ownerPage, '03-admin-members');

    ({ page: agentPage } = await newPage(browser));
    await acceptInvitation(agentPage, agentLink, agent);
    await agentPage.waitForURL(`${base}/queue`);
    await agentPage.getByRole('heading', { name: 'My open tickets' }).waitFor();

    ({ page: requesterPage } = await newPage(browser));
    await acceptInvitation(requesterPage, requesterLink, requester);
    await requesterPage.waitForURL(`${base}/portal`);
    await requesterPage.getByRole('heading', { name: /how can we help/ }).waitFor();
  });

  it('an agent who forgot their password sets a new one from the mailed link, which ends their other sessions', async () => {
    const { page } = await newPage(browser);
    await page.goto(`${base}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${base}/account/forgot`);
    const since = Date.now();
    await page.getByLabel('Email').fill(agent.email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText(`If an account exists for ${agent.email}, we sent a link to it to choose a new password.`).waitFor();
    await screenshot(page, '03b-forgot-password');

    const link = linkIn(await waitForMail(outbox, { to: agent.email, containing: '/account/reset/', since }), '/account/reset/');
    expect(link).toMatch(new RegExp(`^${base}/account/reset/fdr_`));
    await page.goto(link);
    agent.password = 'a fresh agent password';
    await page.getByLabel('New password').fill(agent.password);
    await screenshot(page, '03c-reset-password');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.waitForURL(`${base}/queue`);
    await page.getByRole('heading', { name: 'My open tickets' }).waitFor();

    // The session the agent had before no longer works: the old cookie finds nobody.
    const stale = await gqlInPage<{ viewer: { id: string } | null }>(agentPage, '{ viewer { id } }');
    expect(stale.data?.viewer ?? null).toBeNull();
    await agentPage.goto(`${base}/queue`);
    await agentPage.waitForURL(/\/login\?next=/);
    const old = await gql(base, LOG_IN, { i: { email: agent.email, password: 'agent password 42' } });
    expect(old.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The link works once.
    const { page: again, context } = await newPage(browser);
    await again.goto(link);
    await again.getByLabel('New password').fill('yet another password');
    await again.getByRole('button', { name: 'Set password and log in' }).click();
    await again.getByText('This link has expired or has already been used.').waitFor();
    await context.close();

    await agentPage.context().close();
    agentPage = page;
  });

  it('a requester submits a request in the portal', async () => {
    await requesterPage.getByRole('link', { name: 'New request' }).first().click();
    await requesterPage.getByText('Something is broken').click();
    await requesterPage.getByLabel('Subject').fill('VPN drops every few minutes');
    await requesterPage.getByLabel('Description').fill('Since this morning, on Wi-Fi and on the wired network. Error 809.');
    await requesterPage.getByLabel('How urgent is it?').selectOption('HIGH');
    // A screenshot of the error goes with the request.
    await requesterPage.getByLabel(/^Files/).setInputFiles({
      name: 'vpn error 809.png',
      mimeType: 'image/png',
      buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    });
    await requesterPage.getByRole('button', { name: 'Submit request' }).click();
    await requesterPage.waitForURL(/\/portal\/tickets\/INC-\d+$/);
    requestNumber = requesterPage.url().split('/').pop() ?? '';
    await requesterPage.getByRole('heading', { name: 'VPN drops every few minutes' }).waitFor();
    await requesterPage.getByText('Received', { exact: true }).first().waitFor();
    await requesterPage.getByRole('link', { name: 'vpn error 809.png' }).waitFor();
  });

  it('an agent handles it (assign, note, reply, status) and the requester sees the reply live', async () => {
    await agentPage.goto(`${base}/queue?view=unassigned`);
    await agentPage.getByRole('link', { name: new RegExp(`${requestNumber}.*VPN drops`) }).click();
    await agentPage.waitForURL(`${base}/tickets/${requestNumber}`);
    await agentPage.getByRole('heading', { name: 'VPN drops every few minutes' }).waitFor();
    // The requester's file is there, and downloads as sent.
    const file = agentPage.getByRole('link', { name: 'vpn error 809.png' });
    const href = (await file.getAttribute('href')) ?? '';
    const downloaded = await agentPage.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, hex: Array.from(new Uint8Array(await response.arrayBuffer()), (b) => b.toString(16).padStart(2, '0')).join('') };
    }, href);
    expect(downloaded).toEqual({ status: 200, hex: '89504e470d0a1a0a0000000d49484452' });

    // a: assign to me (first choice), from the keyboard.
    await agentPage.keyboard.press('a');
    await agentPage.getByRole('combobox', { name: 'Find a teammate' }).waitFor();
    await agentPage.keyboard.press('Enter');
    await agentPage.getByRole('button', { name: /Arjun Agent.*change the assignee/ }).waitFor();

    // n: an internal note.
    await agentPage.keyboard.press('n');
    await agentPage.waitForFunction(() => document.activeElement?.id === 'composer-body');
    await agentPage.keyboard.type('Concentrator logs show IKE rekey failures for this user.');
    await agentPage.keyboard.press('Control+Enter');
    await agentPage.getByText('Internal note · only your team sees this').waitFor();

    // r: a public reply, which the requester's open portal page shows without reloading.
    await requesterPage.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await agentPage.keyboard.press('Escape');
    await agentPage.keyboard.press('r');
    await agentPage.waitForFunction(() => document.activeElement?.id === 'composer-body');
    await agentPage.keyboard.type('Please install the new VPN profile from the software centre and reconnect.');
    await agentPage.getByRole('button', { name: 'Send reply' }).click();
    await agentPage.getByText('Please install the new VPN profile').waitFor();
    await agentPage.getByLabel('Status').selectOption('PENDING');
    await agentPage.getByText('SLA paused while waiting').first().waitFor();
    await screenshot(agentPage, '04-ticket');

    await requesterPage.getByText('Please install the new VPN profile').waitFor();
    await requesterPage.getByText('Waiting for you').first().waitFor();
    expect(await requesterPage.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await requesterPage.getByText('IKE rekey failures').count()).toBe(0);
    await screenshot(requesterPage, '05-portal-ticket');

    // The requester answers; the ticket reopens for the agent.
    await requesterPage.getByRole('textbox', { name: 'Reply' }).fill('Installed it, works now. Thanks!');
    await requesterPage.getByRole('button', { name: 'Send' }).click();
    await agentPage.getByText('Installed it, works now.').waitFor();
    await agentPage.getByRole('tab', { name: /History/ }).click();
    await agentPage.getByText(/changed status from Pending to Open/).waitFor();
    await screenshot(agentPage, '06-ticket-history');
  });

  it('a teammate’s new ticket appears live in another browser’s queue', async () => {
    await agentPage.goto(`${base}/queue?view=all`);
    await agentPage.getByRole('heading', { name: 'All tickets' }).waitFor();
    await agentPage.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await ownerPage.goto(`${base}/tickets/new`);
    await ownerPage.getByLabel('Subject').fill('Printer on floor 3 jams');
    await ownerPage.getByLabel(/Requester email/).fill(requester.email.replace('rosa', 'omar'));
    await ownerPage.getByLabel(/Requester name/).fill('Omar Other');
    await ownerPage.getByRole('button', { name: 'Create ticket' }).click();
    await ownerPage.waitForURL(/\/tickets\/INC-\d+$/);

    await agentPage.getByRole('link', { name: /Printer on floor 3 jams/ }).waitFor();
    expect(await agentPage.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await screenshot(agentPage, '07-queue');
  });

  it('works the queue from the keyboard', async () => {
    const cursorTicket = () => agentPage.evaluate(() => document.activeElement?.closest('tr')?.dataset.ticket ?? null);
    const rows = await agentPage.locator('tbody tr[data-ticket]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.ticket));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    await agentPage.locator('body').click({ position: { x: 5, y: 5 } });
    await agentPage.keyboard.press('j');
    expect(await cursorTicket()).toBe(rows[0]);
    await agentPage.keyboard.press('j');
    expect(await cursorTicket()).toBe(rows[1]);
    await agentPage.keyboard.press('k');
    expect(await cursorTicket()).toBe(rows[0]);

    await agentPage.keyboard.press('x');
    await agentPage.getByText('1 selected').waitFor();
    await agentPage.keyboard.press('Escape');
    await agentPage.getByText('1 selected').waitFor({ state: 'detached' });

    await agentPage.keyboard.press('Enter');
    await agentPage.waitForURL(`${base}/tickets/${rows[0]}`);
    await agentPage.getByRole('tab', { name: 'Conversation' }).waitFor();
    await agentPage.keyboard.press('u');
    await agentPage.waitForURL(/\/queue\?view=all/);
    await agentPage.locator('tbody tr[data-ticket]').first().waitFor();

    await agentPage.keyboard.press('j');
    await agentPage.keyboard.press('r');
    await agentPage.waitForURL(`${base}/tickets/${rows[0]}`);
    await agentPage.waitForFunction(() => document.activeElement?.id === 'composer-body');
    await agentPage.goBack();
    await agentPage.waitForURL(/\/queue/);

    // Bulk: select two with x and assign them to the agent.
    await agentPage.locator('tbody tr[data-ticket]').first().waitFor();
    await agentPage.locator('body').click({ position: { x: 5, y: 5 } });
    await agentPage.keyboard.press('j');
    await agentPage.keyboard.press('x');
    await agentPage.keyboard.press('j');
    await agentPage.keyboard.press('x');
    await agentPage.getByText('2 selected').waitFor();
    await agentPage.getByRole('button', { name: 'Assign…' }).click();
    await agentPage.getByRole('combobox', { name: 'Find a teammate' }).fill('arjun');
    await agentPage.keyboard.press('Enter');
    await agentPage.getByText('2 tickets assigned to you', { exact: true }).waitFor();

    await agentPage.keyboard.press('/');
    expect(await agentPage.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search tickets');
    await agentPage.keyboard.type('printer');
    await agentPage.waitForURL(/q=printer/);
    await expect.poll(() => agentPage.locator('tbody tr[data-ticket]').count()).toBe(1);
    await agentPage.getByRole('link', { name: /Printer on floor 3 jams/ }).waitFor();
  });

  it('keeps requesters out of agent pages: the gateway refuses, and the app redirects', async () => {
    for (const path of ['/queue', `/tickets/${requestNumber}`, '/tickets/new', '/admin/members', '/overview']) {
      await requesterPage.goto(`${base}${path}`);
      await requesterPage.waitForURL(`${base}/portal`);
    }
    const forbidden = await gqlInPage(requesterPage, '{ slaPolicies { id } }');
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const invite = await gqlInPage(requesterPage, 'mutation { inviteMember(input: { email: "x@y.example", name: "X", role: ADMIN }) { invitation { id } } }');
    expect(invite.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const report = await gqlInPage(requesterPage, '{ slaReport(month: "2026-01") { month } }');
    expect(report.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await gqlInPage<{ tickets: { nodes: { number: string }[] } }>(requesterPage, '{ tickets(first: 100) { nodes { number } } }');
    expect(list.data?.tickets.nodes.map((t) => t.number)).toEqual([requestNumber]);
    const other = await gqlInPage<{ ticket: null }>(requesterPage, '{ ticket(number: "INC-0002") { id } }');
    expect(other.data?.ticket).toBeNull();

    const { page: visitor, context } = await newPage(browser);
    await visitor.goto(`${base}/queue?view=all`);
    await visitor.waitForURL(`${base}/login?next=%2Fqueue%3Fview%3Dall`);
    await visitor.getByRole('heading', { name: 'Log in to Ferrodesk' }).waitFor();
    await screenshot(visitor, '08-login');
    await context.close();
  });

  it('has no serious or critical axe violations on the main pages', async () => {
    const pages: [Page, string, string][] = [
      [agentPage, '/queue?view=all', 'All tickets'],
      [agentPage, `/tickets/${requestNumber}`, 'VPN drops every few minutes'],
      [agentPage, '/tickets/new', 'New ticket'],
      [agentPage, '/overview', 'Overview'],
      [ownerPage, '/admin/members', 'Members'],
      [ownerPage, '/admin/catalog', 'Categories'],
      [ownerPage, '/admin/sla', 'SLA policies'],
      [ownerPage, '/admin/email', 'Email'],
      [requesterPage, '/portal', 'how can we help'],
      [requesterPage, '/portal/new', 'New request'],
      [requesterPage, `/portal/tickets/${requestNumber}`, 'VPN drops every few minutes'],
    ];
    pages.push([ownerPage, '/account', 'Your account'], [requesterPage, '/portal/account', 'Your account']);
    const { page: visitor, context } = await newPage(browser);
    pages.push([visitor, '/', 'service desk'], [visitor, '/login', 'Log in to Ferrodesk'], [visitor, '/account/forgot', 'Reset your password']);
    const problems: string[] = [];
    for (const [page, path, heading] of pages) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: new RegExp(heading) }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await seriousAxeViolations(page);
      if (violations.length) problems.push(`${path}\n${describeViolations(violations)}`);
    }
    await context.close();
    if (problems.length) console.log(problems.join('\n\n'));
    expect(problems).toEqual([]);
  });

  it('shows the overview, admin and phone layouts', async () => {
    await agentPage.goto(`${base}/overview`);
    await agentPage.getByText('Open tickets', { exact: true }).waitFor();
    await agentPage.waitForLoadState('networkidle');
    await screenshot(agentPage, '09-overview');
    await ownerPage.goto(`${base}/admin/sla`);
    await ownerPage.getByRole('heading', { name: 'Business calendars' }).waitFor();
    await screenshot(ownerPage, '10-admin-sla');
    await ownerPage.goto(`${base}/admin/email`);
    await ownerPage.getByRole('textbox', { name: 'Intake address' }).waitFor();
    expect(await ownerPage.getByRole('textbox', { name: 'Intake address' }).inputValue()).toMatch(new RegExp(`^${org.slug}@`));
    await screenshot(ownerPage, '11-admin-email');

    // The owner shapes the catalog: a subcategory under Hardware, renamed, and a role change.
    await ownerPage.goto(`${base}/admin/catalog`);
    await ownerPage.getByRole('button', { name: 'Add subcategory to Hardware' }).click();
    await ownerPage.getByRole('dialog').getByLabel('Category name').fill('Scanners');
    await ownerPage.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await ownerPage.getByRole('button', { name: 'Rename Scanners' }).click();
    await ownerPage.getByRole('dialog').getByLabel('Category name').fill('Document scanners');
    await ownerPage.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await ownerPage.getByText('Document scanners', { exact: true }).waitFor();
    await screenshot(ownerPage, '15-admin-categories');
    await ownerPage.goto(`${base}/admin/members`);
    await ownerPage.getByRole('combobox', { name: `Role of ${requester.name}` }).selectOption('STAKEHOLDER');
    await ownerPage.getByText(`${requester.name} is now stakeholder`, { exact: true }).waitFor();
    await ownerPage.getByRole('combobox', { name: `Role of ${requester.name}` }).selectOption('REQUESTER');
    await ownerPage.getByText(`${requester.name} is now requester`, { exact: true }).waitFor();

    const { page: phone, context } = await newPage(browser, { phone: true });
    await logInAs(phone, requester);
    await phone.waitForURL(`${base}/portal`);
    await phone.getByText('VPN drops every few minutes').waitFor();
    await screenshot(phone, '12-portal-phone');
    await phone.goto(`${base}/portal/tickets/${requestNumber}`);
    await phone.getByText('Please install the new VPN profile').waitFor();
    await screenshot(phone, '13-portal-ticket-phone');
    await context.close();

    const { page: agentPhone, context: agentContext } = await newPage(browser, { phone: true });
    await logInAs(agentPhone, agent);
    await agentPhone.waitForURL(`${base}/queue`);
    await agentPhone.goto(`${base}/tickets/${requestNumber}`);
    await agentPhone.getByRole('heading', { name: 'VPN drops every few minutes' }).waitFor();
    await screenshot(agentPhone, '14-ticket-phone');
    await agentContext.close();
  });

  it('works under the gateway’s Content-Security-Policy: no inline script, no eval, nothing from elsewhere', async () => {
    const { page, context, violations } = await newStrictPage(browser);
    for (const [path, heading] of [
      ['/', 'service desk'],
      ['/login', 'Log in to Ferrodesk'],
      ['/account/forgot', 'Reset your password'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: new RegExp(heading) }).first().waitFor();
    }
    await logInAs(page, owner);
    await page.waitForURL(`${base}/queue`);
    for (const [path, heading] of [
      ['/queue?view=all', 'All tickets'],
      [`/tickets/${requestNumber}`, 'VPN drops every few minutes'],
      ['/overview', 'Overview'],
      ['/admin/members', 'Members'],
      ['/admin/email', 'Email'],
      ['/admin/sla', 'SLA policies'],
      ['/account', 'Your account'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: new RegExp(heading) }).first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    // A dialog and a menu (Radix adds styles of its own as they open).
    await page.goto(`${base}/admin/members`);
    await page.getByRole('button', { name: 'Invite member' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Your account' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await screenshot(page, '16-account');
    await context.close();
    expect(violations).toEqual([]);
  });

  it('a requester renames themself and moves their account to a new address, from the portal', async () => {
    await requesterPage.goto(`${base}/portal`);
    await requesterPage.getByRole('button', { name: /account menu/ }).click();
    await requesterPage.getByRole('menuitem', { name: 'Your account' }).click();
    await requesterPage.waitForURL(`${base}/portal/account`);
    await requesterPage.getByLabel('Your name').fill('Rosa R. Requester');
    await requesterPage.getByRole('button', { name: 'Save name' }).click();
    await requesterPage.getByRole('button', { name: /Rosa R\. Requester.*account menu/ }).waitFor();

    const newEmail = `rosa.new.${run}@acme.example`;
    const since = Date.now();
    const address = requesterPage.getByRole('region', { name: 'Email address' });
    await address.getByLabel('New address').fill(newEmail);
    await address.getByLabel('Current password').fill(requester.password);
    await address.getByRole('button', { name: 'Send confirmation link' }).click();
    await address.getByText(`We sent a link to ${newEmail}.`, { exact: false }).waitFor();
    await screenshot(requesterPage, '17-portal-account');

    const link = linkIn(await waitForMail(outbox, { to: newEmail, containing: '/account/email/', since }), '/account/email/');
    expect(link).toMatch(new RegExp(`^${base}/account/email/fde_`));
    await requesterPage.goto(link);
    await requesterPage.waitForURL(`${base}/login?notice=email-changed`);
    await requesterPage.getByText(/^Your address has changed/).waitFor();
    const old = await gql(base, LOG_IN, { i: { email: requester.email, password: requester.password } });
    expect(old.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    requester.email = newEmail;
    await logInAs(requesterPage, requester);
    await requesterPage.waitForURL(`${base}/portal`);
    await requesterPage.getByText('VPN drops every few minutes').waitFor();
  });

  it('measures the queue with 50 rows: interactive within a second of navigation', async () => {
    const create = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { number } } }';
    const subjects = ['Laptop will not boot', 'Outlook keeps asking for a password', 'Need access to the finance share', 'Monitor flickers', 'Badge does not open door 4'];
    for (let i = 0; i < 50; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) =>
        gql(base, create, { input: { kind: (i + j) % 3 ? 'INCIDENT' : 'SERVICE_REQUEST', subject: `${subjects[(i + j) % 5]} (#${i + j + 1})`, priority: ['P1', 'P2', 'P3', 'P4'][(i + j) % 4] } }, ownerToken),
      );
      for (const result of await Promise.all(batch)) expect(result.errors).toBeUndefined();
    }
    const timings: number[] = [];
    await agentPage.goto(`${base}/queue?view=all`); // warm the server and the HTTP cache
    await agentPage.locator('tbody tr[data-ticket]').nth(49).waitFor();
    for (let i = 0; i < 3; i++) {
      await agentPage.goto(`${base}/queue?view=all`);
      await agentPage.waitForFunction(() => performance.getEntriesByName('queue-interactive').length > 0);
      const { at, rows } = await agentPage.evaluate(() => ({
        at: performance.getEntriesByName('queue-interactive')[0]?.startTime ?? Number.NaN,
        rows: document.querySelectorAll('tbody tr[data-ticket]').length,
      }));
      expect(rows).toBe(50);
      timings.push(Math.round(at));
    }
    timings.sort((a, b) => a - b);
    const median = timings[1] ?? Number.NaN;
    console.log(`queue with 50 rows interactive after navigation: ${timings.join(', ')} ms (median ${median} ms)`);
    expect(median).toBeLessThanOrEqual(1000);
  });

  it('scrolls a ticket with 200 messages smoothly', async () => {
    const created = await gql<{ createTicket: { ticket: { id: string; number: string } } }>(
      base,
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id number } } }',
      { input: { kind: 'INCIDENT', subject: 'A long conversation about the flaky build agents', description: 'See the thread.' } },
      ownerToken,
    );
    const ticket = created.data?.createTicket.ticket;
    expect(ticket).toBeDefined();
    const add = 'mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }';
    for (let i = 0; i < 200; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) => {
        const n = i + j + 1;
        const body = `Update ${n}: ${'We traced the failure to the shared cache volume and are rotating the agents one by one. '.repeat(1 + (n % 4))}`;
        return gql(base, add, { input: { ticketId: ticket?.id, body, internal: n % 5 === 0 } }, ownerToken);
      });
      for (const result of await Promise.all(batch)) expect(result.errors).toBeUndefined();
    }
    await agentPage.goto(`${base}/tickets/${ticket?.number}`);
    await agentPage.getByRole('button', { name: 'Show more messages' }).click();
    await agentPage.locator('article.message').nth(200).waitFor({ state: 'attached' });
    const frames = await agentPage.evaluate(
      () =>
        new Promise<number[]>((done) => {
          window.scrollTo(0, 0);
          const times: number[] = [];
          let last = performance.now();
          function step(now: number) {
            times.push(now - last);
            last = now;
            // Off-screen messages are laid out as they come into view, so the end moves: look again each frame.
            const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
            if (atEnd || times.length > 3000) return done(times.slice(1));
            window.scrollBy(0, 100);
            requestAnimationFrame(step);
          }
          requestAnimationFrame(step);
        }),
    );
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? Number.NaN;
    const longest = sorted[sorted.length - 1] ?? Number.NaN;
    console.log(`ticket with 200 messages: ${frames.length} scroll frames, p95 ${p95.toFixed(1)} ms, longest ${longest.toFixed(1)} ms`);
    expect(p95).toBeLessThan(50);
  });
});
