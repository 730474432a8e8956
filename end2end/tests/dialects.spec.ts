import { test, expect, open, isNoJs, findBrand, placeOrder, control } from './fixtures';

// The sandbox answers in the alternative shapes the reference allows: orders
// without network or coin (only a payment method), with the id under another key,
// in states the shop doesn't know, with nulls and extra fields, and a `stop`
// without data. It changes the sandbox for everyone, so this project runs alone,
// last. The shop must still name the coin and network and keep the address.
test.describe.configure({ mode: 'serial' });

const DIALECTS = ['payment_method_only', 'id_key', 'unknown_states', 'nulls', 'extra_fields', 'stop_empty', 'problems_array', 'expires_at_only', 'vias_by_country'];

test.afterEach(async ({ request }) => {
  await control(request, '/dialect', { dialects: [] });
});

for (const js of [true, false]) {
  test.describe(js ? 'hydrated' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('an order in every dialect names its network and reaches Done', async ({ shop: page, request }, info) => {
      const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
      await control(request, '/dialect', { dialects: DIALECTS });
      const project = js ? info.project.name : 'no-js';
      await open(page, `/brands/US/${b.family}`, project);
      await page.getByLabel(/Email to receive/).fill('friend@example.com');
      await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
      await page.getByText('Have a coupon?').click();
      await page.getByLabel('Coupon code (optional)').fill('EXPIRED');
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page.getByText('This coupon has expired.')).toBeVisible();
      await page.getByLabel('Coupon code (optional)').fill('');
      const id = await placeOrder(page);
      await expect(page.getByRole('heading', { name: /Send exactly [\d.]+ USDC on Solana/ })).toBeVisible();
      await expect(page.getByTestId('wallet-address')).not.toBeEmpty();
      await expect(page.getByText('PaymentPending')).toBeVisible();
      await control(request, `/orders/${id}/pay`);
      if (js) {
        await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'Done', { timeout: 20_000 });
      } else {
        await expect(async () => {
          await page.reload();
          await expect(page.getByTestId('order-state')).toHaveAttribute('data-state', 'Done', { timeout: 1_000 });
        }).toPass({ timeout: 20_000 });
      }
      expect(isNoJs(project)).toBe(!js);
    });
  });
}

test('where the API ignores fields it doesn\'t know, a coupon is never said to apply', async ({ shop: page, request }) => {
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  await control(request, '/dialect', { dialects: ['extra_fields_ignored'] });
  await open(page, `/brands/US/${b.family}`, 'dialects');
  await page.getByLabel(/Email to receive/).fill('friend@example.com');
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
  await page.getByText('Have a coupon?').click();
  await page.getByLabel('Coupon code (optional)').fill('WELCOME');
  await page.getByLabel('Coupon code (optional)').blur();
  await expect(page.getByTestId('coupon-outcome')).toHaveText('Coupon WELCOME was not applied: you pay the full price above.');
  await placeOrder(page);
  await expect(page.getByTestId('coupon-outcome')).toContainText('was not applied');
  await expect(page.getByText(/Pay before \d\d:\d\d UTC/)).toBeVisible();
});
