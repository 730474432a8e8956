import { test, expect, open } from './fixtures';

// Each language's names of the footer's links and of the pages they open.
const WORDS = {
  '': { lang: 'en', write: 'Questions about an order?', terms: 'Terms of sale', privacy: 'Privacy' },
  '/tr': { lang: 'tr', write: 'Bir siparişle ilgili sorunuz mu var?', terms: 'Satış koşulları', privacy: 'Gizlilik' },
  '/vi': { lang: 'vi', write: 'Có câu hỏi về đơn hàng?', terms: 'Điều khoản bán hàng', privacy: 'Quyền riêng tư' },
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
