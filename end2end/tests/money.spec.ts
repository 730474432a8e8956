import { test, expect, open, findBrand, control, controlHeaders, axeViolations } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

// Where money moves, orders are counted at the sandbox. A fault switch on order
// creation applies to whoever orders next, and counts are global: this project
// runs alone, its tests one after another.
test.describe.configure({ mode: 'serial' });

/** Orders the sandbox was asked to create so far. */
async function orders(request: APIRequestContext): Promise<number> {
  const r = await request.get('/sandbox/control/stats', { headers: controlHeaders });
  expect(r.ok()).toBeTruthy();
  const stats = await r.json();
  return Object.entries(stats.requests ?? {})
    .filter(([k]) => k.replace(/^\/sandbox/, '').split('?')[0] === '/v5/orders')
    .reduce((n, [, v]) => n + Number(v), 0);
}

async function fillGiftCard(page: Page) {
  await page.getByLabel('Email to receive the gift card').fill('friend@example.com');
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
}

for (const js of [true, false]) {
  test.describe(js ? 'hydrated' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });
    const project = js ? 'money' : 'no-js';

    test('after an unclear answer, Place order again orders nothing more; ordering anew is deliberate', async ({ shop: page, request }) => {
      const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
      await open(page, `/brands/US/${b.family}`, project);
      await fillGiftCard(page);
      const before = await orders(request);
      await control(request, '/faults', { match: '/v5/orders', exact: true, kind: 'lost_answer', times: 1 });
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page.getByRole('alert')).toContainText("didn't get a clear answer");
      await expect(page.getByText(/No confirmation from us in your email/)).toBeVisible();
      expect(await orders(request)).toBe(before + 1);
      // Without JavaScript this answer is a page of its own (the brand page as
      // served again): axe scans it here, where the fault switch is ours alone.
      expect(await axeViolations(page, 'unclear answer', js)).toEqual([]);

      // The same form again (what was typed is still there): answered, not ordered.
      await expect(page.getByLabel('Email to receive the gift card')).toHaveValue('friend@example.com');
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page).toHaveURL(/\/brands\//);
      await expect(page.getByRole('alert')).toContainText("didn't get a clear answer");
      expect(await orders(request)).toBe(before + 1);

      // The deliberate way forward.
      await page.getByRole('button', { name: 'I checked my email: order again' }).click();
      await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
      expect(await orders(request)).toBe(before + 2);
    });

    test('a double submit places one order, counted at the sandbox', async ({ shop: page, request }) => {
      const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
      await open(page, `/brands/US/${b.family}`, project);
      await fillGiftCard(page);
      // The form exactly as the page would send it, to send it a second time.
      const form = await page.locator('#checkout-form').evaluate((f) =>
        new URLSearchParams(new FormData(f as HTMLFormElement) as unknown as Record<string, string>).toString());
      const before = await orders(request);
      let posts = 0;
      page.on('request', (r) => { if (r.url().includes('/api/orders/create')) posts += 1; });
      await page.getByRole('button', { name: 'Place order' }).dblclick();
      await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
      const placed = new URL(page.url()).pathname;
      expect(posts).toBeGreaterThan(0);
      // Sent once more, as a second click that got through would send it
      // (from the same browser, with its cookies).
      const again = await page.request.post('/api/orders/create', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        data: form,
        maxRedirects: 0,
      });
      expect(again.status()).toBe(302);
      expect(new URL(again.headers()['location'], 'http://x').pathname).toBe(placed);
      expect(await orders(request)).toBe(before + 1);
    });
  });
}
