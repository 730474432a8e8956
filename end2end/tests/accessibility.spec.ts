import AxeBuilder from '@axe-core/playwright';
import { test, expect, open, isNoJs, findBrand, placeOrder } from './fixtures';

test('every page has zero axe violations', async ({ shop: page, request }, info) => {
  test.skip(isNoJs(info.project.name), 'axe runs as a script in the page; the hydrated project scans the same server-rendered HTML');
  const scan = async (what: string) => {
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
  };
  await open(page, '/', info.project.name);
  await scan('home');
  await open(page, '/countries', info.project.name);
  await scan('countries');
  await open(page, '/cart', info.project.name);
  await scan('empty cart');
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await open(page, `/brands/US/${b.family}`, info.project.name);
  await scan('brand');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByText('Please check the highlighted fields.')).toBeVisible();
  await scan('checkout errors');
  await placeOrder(page);
  await scan('order');
  await page.goto('/no/such/page');
  await scan('404');
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
