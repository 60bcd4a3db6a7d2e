// The prospect's journey of issue 7: one click from the landing page into a populated demo
// workspace as an admin, a reply whose email stays in the demo outbox, and the reset notice.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeViolations, launchChromium, newPage, screenshot, seriousAxeViolations } from './helpers';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the public demo', () => {
  it('takes a prospect from the landing page into a populated queue as an admin, no form', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${base}/`);
    const link = page.getByRole('link', { name: 'Try the demo' });
    await link.waitFor();
    const started = Date.now();
    await link.click();
    await page.waitForURL(`${base}/queue?view=all`);
    await page.getByRole('link', { name: /(INC|REQ)-\d{4}/ }).first().waitFor();
    const inside = Date.now() - started;
    console.log(`demo: landing page click to a populated queue in ${inside} ms`);
    await page.getByText('You are exploring the Ferrodesk demo as an admin.').waitFor();
    await page.getByText(/returns to its original state in \d+ (hours?|minutes?)/).waitFor();
    expect(await page.getByRole('link', { name: /(INC|REQ)-\d{4}/ }).count()).toBeGreaterThanOrEqual(20);
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'demo-01-queue');

    // Work a ticket: a public reply, which would email the requester.
    await page.getByRole('link', { name: /(INC|REQ)-\d{4}/ }).first().click();
    await page.waitForURL(/\/tickets\/(INC|REQ)-\d{4}$/);
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.activeElement?.id === 'composer-body');
    await page.keyboard.type('Thanks for your patience: a replacement is on its way to you.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('a replacement is on its way').first().waitFor();

    // The mail never leaves: it is in the demo outbox.
    await page.getByRole('link', { name: 'Demo outbox', exact: true }).click();
    await page.getByRole('heading', { name: 'Demo outbox' }).waitFor();
    await page.getByText('Kept in the demo outbox').first().waitFor();
    await page.getByText(/^Reply to .*@northwind\.invalid/).first().waitFor();
    await screenshot(page, 'demo-02-outbox');
    await context.close();
  });

  it('GET /demo signs a visitor in, who stays signed in across pages', async () => {
    const { context, page } = await newPage(browser);
    const started = Date.now();
    await page.goto(`${base}/demo`);
    await page.waitForURL(`${base}/queue?view=all`);
    await page.getByRole('link', { name: /(INC|REQ)-\d{4}/ }).first().waitFor();
    console.log(`demo: GET /demo to a populated queue in a new browser context in ${Date.now() - started} ms`);
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByText('Demo Admin').first().waitFor();
    await page.getByText('You are exploring the Ferrodesk demo as an admin.').waitFor();
    await context.close();
  });
});
