import { test, expect, open, isNoJs, findBrand, control } from './fixtures';
import type { Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The shop's words, read from the same files the server is built from.
const LOCALES = join(__dirname, '..', '..', 'locales');
type Words = Record<string, Record<string, string>>;
function words(lang: string): Words {
  const out: Words = {};
  for (const file of readdirSync(join(LOCALES, lang))) {
    if (file.endsWith('.json')) out[file.replace('.json', '')] = JSON.parse(readFileSync(join(LOCALES, lang, file), 'utf8'));
  }
  return out;
}
const en = words('en');
const LANGS = { tr: words('tr'), vi: words('vi') };

/** A template with its placeholders filled. */
const fill = (t: string, v: Record<string, string> = {}) => t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => v[k] ?? '');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// What each placeholder can stand for: a number (with its unit when it has
// one), a single word (a coin, a currency), or any text.
const NUMBER = new Set(['count', 'limit', 'max', 'min', 'step', 'code', 'amount', 'price', 'face', 'paid', 'total', 'example']);
const WORD = new Set(['coin', 'currency']);
const hole = (name: string) => (NUMBER.has(name) ? '[\\d.,]+(?: \\S+)?' : WORD.has(name) ? '\\S+' : '.+');
/** A template as a pattern: its own words exactly, each placeholder by what it stands for. */
const pattern = (t: string, flags = '') => {
  const parts = t.split(/\{\{\s*(\w+)\s*\}\}/);
  return new RegExp(parts.map((p, i) => (i % 2 ? hole(p) : escape(p))).join(''), flags);
};

// English text that may stand on a Turkish or Vietnamese page: brand, coin and
// network names and codes (written the same in every language). Nothing else.
const ALLOWED = new Set(['eSIM', 'eSIMs', 'USDC', 'USDT', 'Solana', 'Ethereum', 'Base', 'Polygon', 'Arbitrum', 'Token']);

// Every English catalogue entry, as a pattern matching a whole text.
const ENGLISH = Object.values(en)
  .flatMap((ns) => Object.values(ns))
  .filter((t) => !ALLOWED.has(t) && fill(t).trim().length > 1)
  .map((t) => ({ t, re: new RegExp(`^${pattern(t).source}$`) }));

/** The visible text of the page (text nodes and what labels say for an
 * element: placeholders, accessible names, image descriptions) that is an
 * English catalogue entry. */
async function englishOn(page: Page): Promise<string[]> {
  const texts: string[] = await page.evaluate(() => {
    const out: string[] = [];
    const visible = (el: Element | null) => !!el && (el as HTMLElement).checkVisibility?.() !== false && !el.closest('[hidden]');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const parent = n.parentElement;
      if (!text || !parent || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(parent.tagName)) continue;
      if (visible(parent)) out.push(text);
    }
    for (const el of Array.from(document.querySelectorAll('[placeholder], [aria-label], img[alt], [title]'))) {
      if (!visible(el)) continue;
      for (const a of ['placeholder', 'aria-label', 'alt', 'title']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out;
  });
  return texts.filter((text) => ENGLISH.some(({ re }) => re.test(text)));
}

async function speaks(page: Page, lang: string) {
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  expect(await englishOn(page), `English on ${page.url()}`).toEqual([]);
}

/** The visible texts of the page's main content (and the feed's titles, the
 * filter's choices): what the upstream may have written. */
async function mainTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const main = document.querySelector('main');
    if (!main) return out;
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const parent = n.parentElement;
      if (text && parent && !['SCRIPT', 'STYLE', 'TEMPLATE'].includes(parent.tagName)) out.push(text);
    }
    return out;
  });
}

/** Texts of the English page (words, not names or numbers: four letters or
 * more) that stand unchanged on the same page in `lang`: the upstream's
 * English (descriptions, how to redeem, terms, feed titles, categories) that
 * reached a page in another language. */
async function upstreamEnglish(page: Page, path: string, lang: string, project: string, names: Set<string>): Promise<string[]> {
  await open(page, path, project);
  const english = new Set((await mainTexts(page)).filter((t) => /[a-z]{4}/.test(t)));
  await open(page, `/${lang}${path}`, project);
  return (await mainTexts(page)).filter((t) => english.has(t) && !ALLOWED.has(t) && !names.has(t));
}

for (const lang of ['tr', 'vi'] as const) {
  const w = LANGS[lang];

  test(`${lang}: the catalogue's own words are in ${lang} too (descriptions, how to redeem, terms, feed, categories)`, async ({ shop: page, request }, info) => {
    const project = info.project.name;
    const card = await findBrand(request, 'US', { kind: 'giftcard', range: false });
    const esim = await findBrand(request, 'US', { kind: 'esim', range: false });
    // Brand names are names in every language.
    const names = new Set<string>();
    for (const country of ['US', 'VN']) {
      const r = await request.post('/api/catalog/brands', { form: { country }, headers: { accept: 'application/json' } });
      for (const b of (await r.json()).all_brands as { brand: string }[]) names.add(b.brand);
    }
    for (const path of ['/', `/brands/US/${card.family}`, `/brands/US/${esim.family}`, '/brands/VN/viettel']) {
      expect(await upstreamEnglish(page, path, lang, project, names), `English of the catalogue on /${lang}${path}`).toEqual([]);
    }
  });

  test(`${lang}: the terms of sale and the privacy policy in ${lang}`, async ({ shop: page }, info) => {
    for (const [path, title] of [['/terms', w.legal.terms_title], ['/privacy', w.legal.privacy_title]]) {
      await open(page, `/${lang}${path}`, info.project.name);
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await speaks(page, lang);
    }
  });

  test(`${lang}: the whole purchase in ${lang}, from the home page to the code`, async ({ shop: page, request }, info) => {
    const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
    await open(page, `/${lang}`, info.project.name);
    await speaks(page, lang);
    await page.getByRole('link', { name: new RegExp(`^${escape(b.brand)}`) }).first().click();
    await expect(page).toHaveURL(new RegExp(`/${lang}/brands/US/${b.family}$`));
    if (!isNoJs(info.project.name)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await speaks(page, lang);
    await expect(page.getByTestId('price')).toContainText(/^\d+(,\d+)? USDC$/);

    // A refused form comes back in the shopper's words, what was typed kept.
    const recipient = page.getByLabel(w.checkout.beneficiary_gift_card);
    await recipient.fill('not-an-email');
    await page.getByLabel(w.checkout.receipt_email).fill('buyer@example.com');
    await page.getByRole('button', { name: w.checkout.place_order }).click();
    await expect(page.getByText(w.errors.email_invalid)).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/${lang}/brands/`));
    await expect(recipient).toHaveValue('not-an-email');
    await speaks(page, lang);

    await recipient.fill('friend@example.com');
    await page.getByRole('button', { name: w.checkout.place_order }).click();
    await expect(page).toHaveURL(new RegExp(`/${lang}/orders/[0-9a-zA-Z_-]+$`));
    const id = page.url().split('/orders/')[1];
    if (!isNoJs(info.project.name)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByTestId('order-state')).toHaveText(w.order.state_waiting);
    await expect(page.getByRole('heading', { name: pattern(w.order.send_exactly) })).toBeVisible();
    await expect(page.getByText(pattern(w.order.pay_before))).toBeVisible();
    if (!isNoJs(info.project.name)) {
      await expect(page.getByRole('timer')).toHaveText(pattern(w.order.time_left));
      await expect(page.getByRole('status').filter({ hasText: w.order.mode_live })).toBeVisible();
    }
    await speaks(page, lang);

    await control(request, `/orders/${id}/pay`);
    const state = page.getByTestId('order-state');
    if (isNoJs(info.project.name)) {
      await expect(async () => {
        await page.getByRole('link', { name: w.order.refresh }).click();
        await expect(state).toHaveAttribute('data-state', 'Done', { timeout: 1000 });
      }).toPass({ timeout: 20_000 });
    } else {
      await expect(state).toHaveAttribute('data-state', 'Done', { timeout: 20_000 });
    }
    await expect(state).toHaveText(w.order.state_done);
    await expect(page.getByRole('list', { name: w.order.cards_label })).toBeVisible();
    await expect(page.getByTestId('pin-code').or(page.getByRole('link', { name: w.order.redeem_now }))).toBeVisible();
    await speaks(page, lang);
  });

  test(`${lang}: the cart, the countries and a missing page are in ${lang}`, async ({ shop: page, request }, info) => {
    const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
    await open(page, `/${lang}/brands/US/${b.family}`, info.project.name);
    await page.getByLabel(w.checkout.beneficiary_gift_card).fill('friend@example.com');
    await page.getByRole('button', { name: w.checkout.add_to_cart }).click();
    await expect(page).toHaveURL(new RegExp(`/${lang}/cart$`));
    await expect(page.getByRole('heading', { level: 1, name: w.cart.title })).toBeVisible();
    await expect(page.getByTestId('cart-total')).toContainText(/^\d+(,\d+)? USDC$/);
    await speaks(page, lang);
    // Without an email the payment is refused, in the shopper's words.
    await page.getByRole('button', { name: w.cart.pay_for_one }).click();
    await expect(page.getByRole('alert').filter({ hasText: w.errors.invalid })).toBeVisible();
    await speaks(page, lang);

    await open(page, `/${lang}/countries`, info.project.name);
    await speaks(page, lang);
    const resp = await page.goto(`/${lang}/no-such-page`);
    expect(resp?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: w.common.not_found })).toBeVisible();
    await speaks(page, lang);
  });

  test(`${lang}: a country is found by its ${lang} name`, async ({ shop: page }, info) => {
    const germany = lang === 'tr' ? 'Almanya' : 'Đức';
    await open(page, `/${lang}`, info.project.name);
    await page.getByLabel(w.common.country, { exact: true }).fill(germany);
    await page.getByRole('button', { name: w.common.change_country }).click();
    await expect(page).toHaveURL(new RegExp(`/${lang}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(fill(w.home.title, { country: germany }));
    await speaks(page, lang);
  });
}

test('tr: the typed amount is checked in Turkish as it is typed', async ({ shop: page, request }, info) => {
  test.skip(isNoJs(info.project.name), 'typing feedback needs JavaScript; the server checks the amount on submission');
  const w = LANGS.tr;
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: true });
  await open(page, `/tr/brands/US/${b.family}`, info.project.name);
  const amount = page.getByLabel(pattern(w.checkout.amount_in));
  await amount.fill('0.5');
  await expect(page.getByText(pattern(w.errors.amount_below))).toBeVisible();
  await amount.fill(b.min!);
  await expect(page.getByTestId('price')).toContainText(/^\d+(,\d+)? USDC$/);
  await speaks(page, 'tr');
});

test('the switcher changes the language and remembers it', async ({ shop: page }, info) => {
  await open(page, '/cart', info.project.name);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Türkçe' }).click();
  await expect(page).toHaveURL(/\/tr\/cart$/);
  await expect(page.getByRole('heading', { level: 1, name: LANGS.tr.cart.title })).toBeVisible();
  // The next visit to an English address goes to the Turkish page.
  await page.goto('/');
  await expect(page).toHaveURL(/\/tr$/);
  await page.getByRole('navigation', { name: LANGS.tr.common.language }).getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test.describe('a Vietnamese browser', () => {
  test.use({ locale: 'vi-VN' });

  test('is sent to the Vietnamese pages on its first visit', async ({ shop: page }, info) => {
    await open(page, '/', info.project.name);
    await expect(page).toHaveURL(/\/vi$/);
    await speaks(page, 'vi');
  });
});

test('no language’s words are in the browser’s code', async ({ shop: page, request }, info) => {
  test.skip(isNoJs(info.project.name), 'the same files for both projects: checked once');
  await open(page, '/tr', info.project.name);
  // The islands' module and its wasm, as the hydrated page loaded them.
  const names: string[] = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => /^\/pkg\/.+\.(js|wasm)$/.test(p)),
  );
  expect(names.some((n) => n.endsWith('.wasm')) && names.some((n) => n.endsWith('.js')), names.join()).toBe(true);
  const code = await Promise.all(names.map(async (n) => (await request.get(n)).body()));
  const phrases = [en, LANGS.tr, LANGS.vi]
    .flatMap((w) => Object.values(w).flatMap((ns) => Object.values(ns)))
    .flatMap((t) => t.split(/\{\{\s*\w+\s*\}\}/))
    .map((t) => t.trim())
    .filter((t) => t.length >= 12);
  expect(phrases.length).toBeGreaterThan(300);
  for (const body of code) {
    const found = phrases.filter((p) => body.includes(Buffer.from(p, 'utf8')));
    expect(found).toEqual([]);
  }
});
