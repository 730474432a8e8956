import { test, expect, open, findBrand, controlHeaders } from '../tests/fixtures';
import type { APIRequestContext } from '@playwright/test';

// bench/cluster stops Redis before this runs (and starts it again after). The
// idempotency key can't be claimed, so no instance may place an order: the
// checkout says so in words, keeps what was typed, and nothing reaches the
// upstream. Browsing goes on.

/** Orders the sandbox has received (POST /v5/orders). */
async function ordersReceived(request: APIRequestContext): Promise<number> {
  const r = await request.get('/sandbox/control/stats', { headers: controlHeaders });
  expect(r.ok(), `stats: ${r.status()}`).toBeTruthy();
  const stats = await r.json();
  return Object.entries(stats.requests as Record<string, number>)
    .filter(([path]) => path.split('?')[0].replace(/^\/sandbox/, '') === '/v5/orders')
    .reduce((sum, [, n]) => sum + n, 0);
}

test('with Redis away, Place order says nothing was ordered, and no order reaches the upstream', async ({ shop: page, request }, info) => {
  const mode = info.project.use.javaScriptEnabled === false ? 'no-js' : 'hydrated';
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  const before = await ordersReceived(request);
  await open(page, `/brands/US/${b.family}`, mode);
  await page.getByRole('group', { name: 'Amount' }).getByRole('radio').first().check();
  await page.getByLabel('Email to receive the gift card').fill('friend@example.com');
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: "We can't take orders for a moment, so nothing was ordered or charged." }),
  ).toBeVisible();
  await expect(page).not.toHaveURL(/\/orders\//);
  await expect(page.getByLabel('Email to receive the gift card')).toHaveValue('friend@example.com');
  await expect(page.getByLabel('Your email (for the receipt)')).toHaveValue('buyer@example.com');
  expect(await ordersReceived(request), 'no order reached the upstream').toBe(before);
  // The catalogue does not need Redis.
  await open(page, '/', mode);
  await expect(page.getByRole('link', { name: new RegExp(b.brand) }).first()).toBeVisible();
});
