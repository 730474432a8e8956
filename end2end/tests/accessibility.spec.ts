import { test, expect, open, isNoJs, findBrand, placeOrder, axeViolations } from './fixtures';
import type { Page } from '@playwright/test';

// Each page is scanned as the project's browser shows it: hydrated, or without
// JavaScript (where a refused form, the order page and the rest are the server's
// HTML alone, `<noscript>` content included). The unclear answer and the order
// page after its deadline need the sandbox to themselves: money.spec.ts and
// expiry.spec.ts scan them, with and without JavaScript.
test('every page has zero axe violations', async ({ shop: page, request }, info) => {
  const js = !isNoJs(info.project.name);
  const scan = async (what: string) => expect(await axeViolations(page, what, js)).toEqual([]);
  await open(page, '/', info.project.name);
  await scan('home');
  await open(page, '/countries', info.project.name);
  await scan('countries');
  await open(page, '/terms', info.project.name);
  await scan('terms');
  await open(page, '/privacy', info.project.name);
  await scan('privacy');
  await open(page, '/cart', info.project.name);
  await scan('empty cart');
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  if (!js) await expect(page.getByText(/^The price shown is for the amount and coin chosen when the page opened\./)).toBeVisible();
  await scan('brand');
  // Without JavaScript: the answer page of a refused plain form post.
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByText('Please check the highlighted fields.')).toBeVisible();
  await scan('checkout errors');
  await placeOrder(page);
  await scan('order');
  await page.goto('/no/such/page');
  await scan('404');
});

async function addToCart(page: Page, project: string, family: string, recipient: string) {
  await open(page, `/brands/US/${family}`, project);
  await page.getByLabel('Email to receive the gift card').fill(recipient);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
}

// The cart posts plain forms with or without JavaScript: a refused payment
// comes back as the cart page, the problem on its card.
test('a cart refused on a line has zero axe violations', async ({ shop: page }, info) => {
  const project = info.project.name;
  await addToCart(page, project, 'razer-gold', 'ann@example.com');
  await addToCart(page, project, 'razer-gold', 'bob@example.com');
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
  await page.getByRole('button', { name: 'Pay for 2 cards' }).click();
  await expect(page).toHaveURL(/\/cart/);
  if (!isNoJs(project)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const lines = page.getByRole('list', { name: 'Cards in your cart' }).getByRole('listitem');
  await expect(lines.nth(1)).toContainText('Only one of these limited products can be in an order');
  expect(await axeViolations(page, 'cart refused on a line', !isNoJs(project))).toEqual([]);
});

// A plain form post another website makes the browser send (with or without
// JavaScript: the other site's page sends it) gets the shop's refusal page.
test('a form sent from another website is refused with a page axe scans', async ({ shop: page, baseURL }, info) => {
  await page.route('http://elsewhere.example/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><title>Elsewhere</title><main><h1>Elsewhere</h1><form method="post" action="${baseURL}/api/orders/create"><input type="hidden" name="country" value="US"><button>Send</button></form></main></html>`,
    }),
  );
  await page.goto('http://elsewhere.example/form');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/orders/create')),
    page.getByRole('button', { name: 'Send' }).click(),
  ]);
  expect(answer.status()).toBe(403);
  await expect(page.getByText(/^This form was sent from another website, so nothing was changed\./)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to the shop' })).toBeVisible();
  expect(await axeViolations(page, 'cross-site refusal', !isNoJs(info.project.name))).toEqual([]);
});

test('the whole journey works with the keyboard alone', async ({ shop: page, request }, info) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  await page.getByLabel('Email to receive the gift card').focus();
  await page.keyboard.type('friend@example.com');
  await page.keyboard.press('Tab');
  await expect(page.getByText(/The code goes to this address/)).toBeVisible();
  await page.getByLabel('Your email (for the receipt)').focus();
  await page.keyboard.type('buyer@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Place order' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/orders\//);
});
