import { test, expect, open, isNoJs, placeOrder, control } from './fixtures';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reloads (without JavaScript) or waits for the live view until the order is in `state`. */
/** The order page's words in a language (the files the server is built from). */
function orderWords(lang: string): Record<string, string> {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'locales', lang, 'order.json'), 'utf8'));
}

async function reaches(page: Page, project: string, state: string) {
  const badge = page.getByTestId('order-state');
  if (isNoJs(project)) {
    await expect(async () => {
      await page.getByRole('link', { name: 'Refresh status' }).click();
      await expect(badge).toHaveAttribute('data-state', state, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
  } else {
    await expect(badge).toHaveAttribute('data-state', state, { timeout: 20_000 });
  }
}

async function addToCart(page: Page, project: string, family: string, recipient: string) {
  await open(page, `/brands/US/${family}`, project);
  await page.getByLabel('Email to receive the gift card').fill(recipient);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  if (!isNoJs(project)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

test('a quantity out of range is refused on its line by the shop, in the page\'s language', async ({ shop: page }, info) => {
  const project = info.project.name;
  await addToCart(page, project, 'steam', 'ann@example.com');
  await open(page, '/tr/cart', project);
  const line = page.getByRole('list', { name: 'Sepetinizdeki kartlar' }).getByRole('listitem').first();
  const quantity = line.getByLabel('Kart adedi');
  await quantity.fill('11');
  // No browser bubble stops the form: the shop answers, on the line.
  await line.getByRole('button', { name: 'Güncelle', exact: true }).click();
  const refusal = 'Sepetinizdeki kart için 1 ile 10 arasında bir adet seçin veya kartı kaldırın.';
  await expect(line.getByText(refusal)).toBeVisible();
  await expect(line.getByLabel('Kart adedi')).toHaveAttribute('aria-invalid', 'true');
  await expect(line.getByLabel('Kart adedi')).toHaveAccessibleDescription(refusal);
  await expect(line.getByLabel('Kart adedi')).toHaveValue('1');
});

test('three cards from two brands in one payment, three codes at Done', async ({ shop: page, request }, info) => {
  const project = info.project.name;
  await addToCart(page, project, 'steam', 'ann@example.com');
  await addToCart(page, project, 'steam', 'bob@example.com');
  await addToCart(page, project, 'roblox', 'carol@example.com');
  const lines = page.getByRole('list', { name: 'Cards in your cart' }).getByRole('listitem');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(0)).toContainText('For ann@example.com');
  await expect(lines.nth(2)).toContainText('Roblox');
  await expect(page.getByTestId('cart-total')).toHaveText(/^\d+(\.\d+)? USDC$/);
  await expect(page.getByRole('link', { name: /Cart \(3\)/ })).toBeVisible();

  // A line can be changed and removed in place.
  await lines.nth(0).getByLabel('Cards').fill('2');
  await lines.nth(0).getByRole('button', { name: 'Update' }).click();
  await expect(page.getByRole('button', { name: 'Pay for 4 cards' })).toBeVisible();
  await lines.nth(0).getByLabel('Cards').fill('1');
  await lines.nth(0).getByRole('button', { name: 'Update' }).click();

  // Problems show before paying: no email.
  await page.getByRole('button', { name: 'Pay for 3 cards' }).click();
  await expect(page.getByText('Enter an email address, like name@example.com.').first()).toBeVisible();
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
  await page.getByRole('button', { name: 'Pay for 3 cards' }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-zA-Z_-]+$/);
  const id = page.url().split('/orders/')[1];
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your order of 3 cards');
  await expect(page.getByRole('heading', { name: /Send exactly [\d.]+ USDC on Solana/ })).toBeVisible();

  await control(request, `/orders/${id}/pay`);
  await reaches(page, project, 'Done');
  const items = page.getByRole('list', { name: 'Cards in this order' }).getByRole('listitem');
  await expect(items).toHaveCount(3);
  for (const [i, who] of ['ann@example.com', 'bob@example.com', 'carol@example.com'].entries()) {
    await expect(items.nth(i)).toContainText(`For ${who}`);
    await expect(items.nth(i).getByTestId('pin-code')).toHaveText(/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/);
  }
  // The cart was paid: it is empty now.
  await open(page, '/cart', project);
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
});

test('the cart total follows the coin chosen to pay with', async ({ shop: page }, info) => {
  test.skip(isNoJs(info.project.name), 'repricing as one chooses needs JavaScript; without it the order states the exact amount in the chosen coin');
  await addToCart(page, info.project.name, 'steam', 'ann@example.com');
  await expect(page.getByTestId('cart-total')).toHaveText(/^\d+(\.\d+)? USDC$/);
  await page.getByLabel('Pay with').selectOption('USDT|Mainnet');
  await expect(page.getByTestId('cart-total')).toHaveText(/^\d+(\.\d+)? USDT$/);
  await expect(page.getByText(/on Ethereum for 1 card$/)).toBeVisible();
  // Each line's price follows too: no line keeps reading the first coin.
  const line = page.getByRole('list', { name: 'Cards in your cart' }).getByRole('listitem').first();
  await expect(line).toContainText(/\d+(\.\d+)? USDT each/);
  await expect(line).not.toContainText('USDC');
});

test('limits show on the card that breaks them', async ({ shop: page }, info) => {
  const project = info.project.name;
  await addToCart(page, project, 'razer-gold', 'ann@example.com');
  await addToCart(page, project, 'steam', 'ann@example.com');
  await addToCart(page, project, 'razer-gold', 'bob@example.com');
  await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
  await page.getByRole('button', { name: 'Pay for 3 cards' }).click();
  const lines = page.getByRole('list', { name: 'Cards in your cart' }).getByRole('listitem');
  await expect(lines.nth(2)).toContainText('Only one of these limited products can be in an order');
  await expect(lines.nth(0)).not.toContainText('limited products');
  await expect(page).toHaveURL(/\/cart/);
  // Removing the card fixes it.
  await lines.nth(2).getByRole('button', { name: /^Remove/ }).click();
  await expect(lines).toHaveCount(2);
});

test('a changed cart cookie is refused with a clear message', async ({ shop: page, context }, info) => {
  await context.addCookies([{ name: 'cart', value: 'eyJjIjoiVVMifQ.forged', url: info.project.use.baseURL ?? 'http://127.0.0.1:3000' }]);
  await open(page, '/cart', info.project.name);
  await expect(page.getByRole('alert')).toContainText("Your cart couldn't be read");
  await expect(page.getByText('Your cart is empty.')).toBeVisible();
});

test('a partial payment, then the rest, reaches Done', async ({ shop: page, request }, info) => {
  const project = info.project.name;
  await open(page, '/brands/US/steam', project);
  const id = await placeOrder(page);
  if (!isNoJs(project)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const total = Number(await page.getByTestId('coin-amount').textContent());
  await control(request, `/orders/${id}/pay`, { amount: '1.00' });
  await reaches(page, project, 'PartialPaymentStarted');
  const due = (total - 1).toFixed(2);
  await expect(page.getByRole('heading', { name: `Send the remaining ${due} USDC on Solana` })).toBeVisible();
  await expect(page.getByTestId('coin-amount')).toHaveText(due);
  await expect(page.getByTestId('next-step')).toContainText(`Send the remaining ${due} USDC`);
  // The wallet link asks for what is still due, not the whole amount.
  await expect(page.getByRole('link', { name: 'Open in wallet app' })).toHaveAttribute('href', new RegExp(`amount=${due.replace('.', '\\.')}&`));
  await control(request, `/orders/${id}/pay`, {});
  await reaches(page, project, 'Done');
  await expect(page.getByTestId('pin-code')).toBeVisible();
});

test('after the payment the page keeps a receipt, and says what was sent over the price', async ({ shop: page, request }, info) => {
  const project = info.project.name;
  await open(page, '/brands/US/steam', project);
  const id = await placeOrder(page);
  const total = Number(await page.getByTestId('coin-amount').textContent());
  // 0.94 USDC more than the price, in the coin's micro-units (no float drift).
  const sent = String((Math.round(total * 1e6) + 940_000) / 1e6);
  const signature = '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW';
  const receipt = page.getByRole('region', { name: 'Your payment' });
  await expect(receipt, 'no receipt before the money arrives').toHaveCount(0);
  await control(request, `/orders/${id}/pay`, { amount: sent, tx: signature });
  await reaches(page, project, 'Done');
  await expect(receipt.getByTestId('receipt-paid')).toHaveText(`${sent} USDC`);
  await expect(receipt).toContainText('Solana');
  await expect(receipt.getByTestId('receipt-tx')).toHaveText(signature);
  await expect(receipt.getByRole('link', { name: 'See it on Solscan' })).toHaveAttribute('href', `https://solscan.io/tx/${signature}`);
  await expect(receipt.getByTestId('receipt-over')).toContainText('That is 0.94 USDC more than the price.');
  await expect(receipt.getByRole('link', { name: `Write to help@shop.example about order ${id}` })).toBeVisible();
  await expect(page.getByTestId('pin-code')).toBeVisible();
});

test('a payment seen but unconfirmed says there is nothing more to send', async ({ shop: page, request }, info) => {
  const project = info.project.name;
  await open(page, '/brands/US/steam', project);
  const id = await placeOrder(page);
  await control(request, `/orders/${id}/pay`, { unconfirmed: true });
  await reaches(page, project, 'PaymentStarted');
  await expect(page.getByTestId('next-step')).toContainText('nothing more to send');
  await expect(page.getByTestId('wallet-address')).toHaveCount(0);
  const write = page.getByRole('link', { name: `Write to help@shop.example about order ${id}` });
  await expect(write, 'nothing to write about yet').toHaveCount(0);
  await control(request, `/orders/${id}/refund`, {});
  await reaches(page, project, 'Refunded');
  await expect(page.getByTestId('next-step')).toContainText('Your payment was sent back');
  // "contact us" comes with the address, the mail naming the order.
  await expect(write).toHaveAttribute('href', `mailto:help@shop.example?subject=Order%20${id}`);
});

test('recent orders on this device after two purchases, and forgetting them', async ({ shop: page }, info) => {
  const project = info.project.name;
  await open(page, '/', project);
  await expect(page.getByRole('heading', { name: 'Your recent orders' })).toHaveCount(0);
  const ids: string[] = [];
  for (const family of ['steam', 'roblox']) {
    await open(page, `/brands/US/${family}`, project);
    ids.push(await placeOrder(page));
  }
  await open(page, '/', project);
  const recent = page.getByRole('region', { name: 'Your recent orders' });
  const rows = recent.getByRole('listitem');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Roblox');
  await expect(rows.nth(0)).toContainText('Waiting for your payment');
  await expect(rows.nth(1)).toContainText('Steam Wallet');
  await expect(rows.nth(0).getByRole('link')).toHaveAttribute('href', `/orders/${ids[1]}`);
  await recent.getByRole('button', { name: 'Forget these orders on this device' }).click();
  await expect(page.getByRole('heading', { name: 'Your recent orders' })).toHaveCount(0);
  await open(page, '/', project);
  await expect(page.getByRole('heading', { name: 'Your recent orders' })).toHaveCount(0);
});

test('open in wallet: Solana Pay for Solana, EIP-681 with chain 8453 for Base', async ({ shop: page }, info) => {
  const project = info.project.name;
  await open(page, '/brands/US/steam', project);
  await placeOrder(page);
  const address = await page.getByTestId('wallet-address').textContent();
  const amount = await page.getByTestId('coin-amount').textContent();
  await expect(page.getByRole('link', { name: 'Open in wallet app' })).toHaveAttribute(
    'href',
    `solana:${address}?amount=${Number(amount)}&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v`,
  );

  await open(page, '/brands/US/steam', project);
  await page.getByLabel('Pay with').selectOption({ label: 'USDC on Base' });
  await placeOrder(page);
  await expect(page.getByRole('heading', { name: /Send exactly [\d.]+ USDC on Base/ })).toBeVisible();
  const evm = await page.getByTestId('wallet-address').textContent();
  const due = Number(await page.getByTestId('coin-amount').textContent());
  const units = Math.round(due * 1_000_000);
  await expect(page.getByRole('link', { name: 'Open in wallet app' })).toHaveAttribute(
    'href',
    `ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=${evm}&uint256=${units}`,
  );
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  for (const family of ['steam', 'binance']) {
    test(`the amount, the price and the button of ${family} are in the first screen`, async ({ shop: page }, info) => {
      await open(page, `/brands/US/${family}`, info.project.name);
      const inFirstScreen = async (name: string, box: Promise<{ y: number; height: number } | null>) => {
        const b = await box;
        expect(b, name).not.toBeNull();
        expect(b!.y + b!.height, `${name} bottom`).toBeLessThanOrEqual(844);
      };
      await inFirstScreen('Place order', page.getByRole('button', { name: 'Place order' }).boundingBox());
      await inFirstScreen('price', page.getByTestId('price').boundingBox());
      await expect(page.getByRole('heading', { level: 1 })).toBeInViewport();
    });
  }

  test('every link of the header, the footer and the order page is big enough for a finger', async ({ shop: page }, info) => {
    await open(page, '/brands/US/steam', info.project.name);
    await placeOrder(page);
    const path = new URL(page.url()).pathname;
    const words: Record<string, string[]> = {
      '': ['Refresh status', 'Back to the shop'],
      '/tr': ['Durumu yenile', 'Mağazaya dön'],
      '/vi': ['Làm mới trạng thái', 'Quay lại cửa hàng'],
    };
    for (const [prefix, names] of Object.entries(words)) {
      await open(page, `${prefix}${path}`, info.project.name);
      const links = [
        ...(await page.getByRole('banner').getByRole('link').all()),
        ...(await page.getByRole('contentinfo').getByRole('link').all()),
        ...names.map((name) => page.getByRole('link', { name, exact: true })),
      ];
      expect(links.length).toBeGreaterThanOrEqual(8);
      for (const link of links) {
        if (!(await link.isVisible())) continue;
        const box = await link.boundingBox();
        const name = `${prefix || '/'}: ${await link.textContent()}`;
        expect(box, name).not.toBeNull();
        expect(box!.height, `${name} height`).toBeGreaterThanOrEqual(44);
        expect(box!.width, `${name} width`).toBeGreaterThanOrEqual(44);
      }
    }
  });

  test('what to send, where and by when fill the first screen in every language; the wallet link and the QR code follow', async ({ shop: page }, info) => {
    await open(page, '/brands/US/steam', info.project.name);
    await placeOrder(page);
    const path = new URL(page.url()).pathname;
    for (const [prefix, lang] of [['', 'en'], ['/tr', 'tr'], ['/vi', 'vi']]) {
      await open(page, `${prefix}${path}`, info.project.name);
      const w = orderWords(lang);
      const essentials = {
        amount: page.getByTestId('coin-amount'),
        'copy amount': page.getByRole('button', { name: w.copy_amount }),
        network: page.getByTestId('pay-network'),
        address: page.getByTestId('wallet-address'),
        'copy address': page.getByRole('button', { name: w.copy_address }),
        'time left': page.getByTestId('countdown'),
      };
      for (const [name, el] of Object.entries(essentials)) {
        // The copy buttons need the page's code: without it the values are selectable text.
        if (name.startsWith('copy') && isNoJs(info.project.name)) continue;
        const b = await el.boundingBox();
        expect(b, `${lang}: ${name}`).not.toBeNull();
        expect(b!.y + b!.height, `${lang}: ${name} within the first screen`).toBeLessThanOrEqual(844);
      }
      const time = await essentials['time left'].boundingBox();
      const link = await page.getByRole('link', { name: w.open_wallet }).boundingBox();
      const qr = await page.locator('figure.qr img').boundingBox();
      expect(link!.y, `${lang}: the wallet link after the time left`).toBeGreaterThan(time!.y);
      expect(qr!.y, `${lang}: the QR code after the wallet link`).toBeGreaterThan(link!.y);
    }
  });
});

test.describe('on a desktop', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the QR code stands beside what to send, where and by when, all in the first screen', async ({ shop: page }, info) => {
    await open(page, '/brands/US/steam', info.project.name);
    await placeOrder(page);
    const amount = await page.getByTestId('coin-amount').boundingBox();
    const address = await page.getByTestId('wallet-address').boundingBox();
    const time = await page.getByTestId('countdown').boundingBox();
    const qr = await page.getByRole('img', { name: /QR code to pay/ }).boundingBox();
    for (const [name, b] of Object.entries({ amount, address, time, qr })) {
      expect(b, name).not.toBeNull();
      expect(b!.y + b!.height, `${name} within the first screen`).toBeLessThanOrEqual(800);
    }
    expect(qr!.x, 'the QR code to the right of the amount').toBeGreaterThan(amount!.x + amount!.width);
    expect(qr!.y, 'the QR code beside the details, not below them').toBeLessThan(address!.y + address!.height);
  });
});

for (const width of [320, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 800 }, hasTouch: true, isMobile: true });

    test('amounts are grouped as the language writes them, and every control shows its whole value', async ({ shop: page }, info) => {
      for (const [path, amount] of [['/vi/brands/VN/viettel', /^500\.000\s?₫$/], ['/tr/brands/VN/viettel', /^500\.000\s?₫$/]] as const) {
        await open(page, path, info.project.name);
        await expect(page.getByRole('radio').last()).toHaveAccessibleName(amount);
        // Nothing is cut: each choice's text, and the country or any field's
        // value, fits inside its control.
        const cut = await page.evaluate(() =>
          Array.from(document.querySelectorAll('main label, main button, main input[type=text], main select'))
            .filter((el) => (el as HTMLElement).offsetParent !== null)
            .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
            .map((el) => `${el.tagName} ${(el.textContent || (el as HTMLInputElement).value || '').trim()}`),
        );
        expect(cut, `${path} at ${width} px`).toEqual([]);
      }
      await open(page, '/tr', info.project.name);
      const country = page.getByLabel('Ülke', { exact: true });
      const whole = await country.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth + 1);
      expect(whole, `the country field shows "${await country.inputValue()}" whole`).toBe(true);
    });
  });
}
