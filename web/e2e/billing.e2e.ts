// Billing in a real browser: a gateway and a worker of their own with BILLING=stripe, against
// `ferrodesk-dev fake-stripe` (its Checkout and portal pages are clicked like Stripe's). Trial →
// Checkout → active → a failed payment (warning) → read-only after the grace period → paid →
// writable again.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consoleErrors, describeViolations, gql, gqlInPage, launchChromium, newPage, screenshot, seriousAxeViolations, unique } from './helpers';
import { linkIn, waitForMail } from './outbox';

const web = resolve(import.meta.dirname, '..');
const repo = resolve(web, '..');
const superuser = process.env.TEST_DATABASE_SUPERUSER_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const pgHost = process.env.TEST_DATABASE_HOST || '127.0.0.1:5432';
const bin = join(process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/ferrodesk/target'), 'debug');
const database = `fdweb_${process.pid}_billing${Date.now().toString(36)}`;
const run = unique();
const owner = { name: 'Bea Billing', email: `bea.${run}@acme.example`, password: 'correct horse battery' };
const slug = `pay-${run}`;
const outbox = join(web, 'test-results', 'billing-outbox');

let base = '';
let browser: Browser;
let page: Page;
const processes: ChildProcess[] = [];

function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, what: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (processes.some((p) => p.exitCode !== null)) throw new Error(`a process exited before ${what} was ready; see test-results/billing-*.log`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready`);
}

function start(name: string, tool: string, args: string[], env: NodeJS.ProcessEnv) {
  const out = openSync(join(web, 'test-results', `billing-${name}.log`), 'w');
  processes.push(spawn(join(bin, tool), args, { env, cwd: repo, stdio: ['ignore', out, out] }));
}

beforeAll(async () => {
  const [port, stripePort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  rmSync(outbox, { recursive: true, force: true });
  const env = {
    ...process.env,
    DATABASE_URL: `postgres://ferrodesk_app:ferrodesk_app@${pgHost}/${database}`,
    WORKER_DATABASE_URL: `postgres://ferrodesk_worker_app:ferrodesk_worker_app@${pgHost}/${database}`,
    DATABASE_ADMIN_URL: `postgres://ferrodesk_owner:ferrodesk_owner@${pgHost}/${database}`,
    DATABASE_SUPERUSER_URL: superuser,
    DATABASE_MAX_CONNECTIONS: '5',
    REDIS_URL: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `${database}:`,
    HTTP_ADDR: `127.0.0.1:${port}`,
    PUBLIC_URL: base,
    WEB_DIR: join(web, 'dist'),
    GRAPHIQL: 'false',
    INTAKE_SMTP_ADDR: '127.0.0.1:0',
    OUTBOX_DIR: outbox,
    FERRODESK_ENV: 'development',
    BILLING: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_e2e',
    STRIPE_WEBHOOK_SECRET: 'whsec_e2e',
    STRIPE_PRICE_ID: 'price_e2e_monthly',
    STRIPE_PRICE_ID_YEARLY: 'price_e2e_yearly',
    STRIPE_API_BASE: `http://127.0.0.1:${stripePort}`,
    LOG_FORMAT: 'json',
    RUST_LOG: process.env.E2E_RUST_LOG || 'warn',
  };
  execFileSync(join(bin, 'ferrodesk'), ['bootstrap'], { env, cwd: repo, stdio: 'inherit' });
  execFileSync(join(bin, 'ferrodesk'), ['migrate'], { env, cwd: repo, stdio: 'inherit' });
  start('fake-stripe', 'ferrodesk-dev', ['fake-stripe', '--addr', `127.0.0.1:${stripePort}`, '--webhook-url', `${base}/webhooks/stripe`], env);
  start('gateway', 'ferrodesk-gateway', [], env);
  await waitFor(`http://127.0.0.1:${stripePort}/_fake/events`, 'the fake Stripe');
  await waitFor(`${base}/readyz`, 'the gateway');
  // Once both listen: the worker's connections take ephemeral ports, one of which could
  // otherwise be a port just reserved for them.
  start('worker', 'ferrodesk-worker', [], env);
  browser = await launchChromium();
  ({ page } = await newPage(browser));
});

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  if (page && !page.isClosed()) await screenshot(page, `failed-billing-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  if (consoleErrors.length) console.log(consoleErrors.join('\n'));
});

afterAll(async () => {
  await browser?.close();
  for (const p of processes) p.kill('SIGTERM');
  await Promise.all(processes.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  psql(superuser, `drop database if exists "${database}" with (force)`);
});

/** The worker applies Stripe's events a moment after they arrive (longer on a busy machine). */
const POLL = { timeout: 20_000, interval: 500 };

const SUBSCRIPTION = '{ organization { subscription { status interval readOnly } } }';

describe.sequential('Billing in Chromium against the fake Stripe', () => {
  it('a new organisation subscribes through Checkout and comes back active', async () => {
    const signUp = await gql(base, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { organizationName: `Pay ${run}`, slug, name: owner.name, email: owner.email, password: owner.password },
    });
    expect(signUp.errors).toBeUndefined();
    // The password signs in once the address is confirmed with the mailed link.
    await page.goto(linkIn(await waitForMail(outbox, { to: owner.email, containing: '/account/confirm/' }), '/account/confirm/'));
    await page.getByRole('heading', { name: 'Your address is confirmed' }).waitFor();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/queue/);
    await page.getByRole('link', { name: 'Billing' }).click();
    await expect.poll(() => page.getByText('Free trial').count(), POLL).toBe(1);
    expect(describeViolations(await seriousAxeViolations(page))).toBe('');
    await screenshot(page, 'billing-trial');

    await page.getByLabel('Yearly').check();
    await page.getByRole('button', { name: 'Subscribe with Stripe' }).click();
    await page.getByRole('button', { name: 'Pay and subscribe' }).click();
    await page.waitForURL(/\/admin\/billing\?checkout=success/);
    await page.getByText('the subscription is active').waitFor();
    expect(await page.getByText('Yearly, unlimited agents').count()).toBe(1);
    await screenshot(page, 'billing-active');
  });

  it('a failed payment warns, the grace period ends in read-only, and paying makes it writable again', async () => {
    await page.getByRole('button', { name: /Manage billing/ }).click();
    await page.getByRole('button', { name: 'Simulate a failed payment' }).click();
    await page.getByRole('link', { name: 'Return to Ferrodesk' }).click();
    await page.waitForURL(/\/admin\/billing/);
    await expect.poll(async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Subscription' }).waitFor();
      return page.getByText(/A payment failed\. Update the card before/).count();
    }, POLL).toBe(1);
    await page.goto(`${base}/queue`);
    await page.getByText(/A payment failed/).waitFor();

    // The grace period passes (the clock, played by the database).
    const admin = `postgres://ferrodesk_owner:ferrodesk_owner@${pgHost}/${database}`;
    psql(admin, `update organizations set grace_ends_at = now() - interval '1 minute' where slug = '${slug}'`);
    await page.reload();
    await page.getByText(/read-only until the payment succeeds/).waitFor();
    await screenshot(page, 'billing-read-only');
    const refused = await gqlInPage(page, 'mutation { createTicket(input: { kind: INCIDENT, subject: "Refused" }) { ticket { id } } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('READ_ONLY_TENANT');
    const read = await gqlInPage<{ tickets: { edges: unknown[] } }>(page, '{ tickets(first: 5) { edges { node { id } } } }');
    expect(read.errors).toBeUndefined();

    await page.getByRole('link', { name: 'Open billing' }).click();
    await page.getByRole('button', { name: /Manage billing/ }).click();
    await page.getByRole('button', { name: 'Simulate a successful payment' }).click();
    await page.getByRole('link', { name: 'Return to Ferrodesk' }).click();
    await expect
      .poll(async () => (await gqlInPage<{ organization: { subscription: { readOnly: boolean } } }>(page, SUBSCRIPTION)).data?.organization.subscription.readOnly, POLL)
      .toBe(false);
    const created = await gqlInPage(page, 'mutation { createTicket(input: { kind: INCIDENT, subject: "Writable again" }) { ticket { id } } }');
    expect(created.errors).toBeUndefined();
  });
});
