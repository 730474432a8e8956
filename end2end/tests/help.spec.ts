import { test, expect, open, placeOrder } from './fixtures';

// Each language's names of the footer's links and of the pages they open.
const WORDS = {
  '': { lang: 'en', write: 'Questions about an order?', terms: 'Terms of sale', privacy: 'Privacy', find: 'Find my order' },
  '/tr': { lang: 'tr', write: 'Bir siparişle ilgili sorunuz mu var?', terms: 'Satış koşulları', privacy: 'Gizlilik', find: 'Siparişimi bul' },
  '/vi': { lang: 'vi', write: 'Có câu hỏi về đơn hàng?', terms: 'Điều khoản bán hàng', privacy: 'Quyền riêng tư', find: 'Tìm đơn hàng của tôi' },
};

for (const [prefix, w] of Object.entries(WORDS)) {
  test(`${w.lang}: every page's footer gives the address to write to, the terms and the privacy policy`, async ({ shop: page }, info) => {
    for (const path of ['/', '/cart', '/brands/US/steam', '/orders/no-such-order']) {
      await open(page, `${prefix}${path}`, info.project.name);
      const footer = page.getByRole('contentinfo');
      await expect(footer, path).toContainText(w.write);
      await expect(footer.getByRole('link', { name: 'help@shop.example' }), path).toHaveAttribute('href', 'mailto:help@shop.example');
      await expect(footer.getByRole('link', { name: w.terms }), path).toBeVisible();
      await expect(footer.getByRole('link', { name: w.privacy }), path).toBeVisible();
      await expect(footer.getByRole('link', { name: w.find }), path).toBeVisible();
    }
    await page.getByRole('contentinfo').getByRole('link', { name: w.terms }).click();
    await expect(page).toHaveURL(new RegExp(`${prefix}/terms$`));
    await expect(page.locator('html')).toHaveAttribute('lang', w.lang);
    await expect(page.getByRole('heading', { level: 1, name: w.terms })).toBeVisible();
    await page.getByRole('contentinfo').getByRole('link', { name: w.privacy }).click();
    await expect(page).toHaveURL(new RegExp(`${prefix}/privacy$`));
    await expect(page.getByRole('heading', { level: 1, name: w.privacy })).toBeVisible();
  });
}

test('an order is opened on another device by its number and email, and not with a wrong email', async ({ shop: page }, info) => {
  await open(page, '/brands/US/steam', info.project.name);
  const id = await placeOrder(page);
  // Another device: none of this browser's cookies.
  await page.context().clearCookies();
  const missing = await page.goto('/orders/no-such-order');
  expect(missing?.status()).toBe(404);
  await page.getByRole('link', { name: 'Find an order by its number and email' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Find my order' })).toBeVisible();
  await page.getByLabel('Order number').fill(id);
  await page.getByLabel('Email you ordered with').fill('someone@example.com');
  await page.getByRole('button', { name: 'Open my order' }).click();
  await expect(page.getByRole('alert')).toHaveText('No order matches this number and email. Check both: the number is in your confirmation email.');
  await expect(page.getByLabel('Order number')).toHaveValue(id);
  await page.getByLabel('Email you ordered with').fill('buyer@example.com');
  await page.getByRole('button', { name: 'Open my order' }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Your Steam Wallet order' })).toBeVisible();
  // And it is now among this device's recent orders.
  await open(page, '/', info.project.name);
  await expect(page.getByRole('region', { name: 'Your recent orders' }).getByRole('listitem')).toHaveCount(1);
});
