import { test, expect, open, findBrand } from '../tests/fixtures';
import * as fs from 'node:fs';

// A refused plain form post (no JavaScript) goes back to its brand page with what
// was typed, in a signed cookie: the follow-up may be served by any instance.
// nginx's access log names the instance of each request ($upstream_addr); round
// robin is per nginx worker, so the form is refused again until the post and its
// follow-up were served by two different instances (a few tries at most).

const accessLog = process.env.NGINX_ACCESS_LOG ?? '';

type Served = { method: string; path: string; upstream: string };

function servedSince(offset: number): Served[] {
  const text = fs.readFileSync(accessLog, 'utf8').slice(offset);
  const out: Served[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/"(\w+) (\S+) HTTP\/[\d.]+" \d+ \d+ upstream=(\S+)/);
    if (m) out.push({ method: m[1], path: m[2], upstream: m[3] });
  }
  return out;
}

test('a refused no-JavaScript form keeps what was typed when the next page comes from another instance', async ({ shop: page, request }) => {
  expect(accessLog, 'NGINX_ACCESS_LOG').not.toBe('');
  const b = await findBrand(request, 'US', { kind: 'giftcard', range: false });
  const tried: string[] = [];
  for (let attempt = 1; attempt <= 8; attempt++) {
    await open(page, `/brands/US/${b.family}`, 'no-js');
    const offset = fs.statSync(accessLog).size;
    await page.getByLabel('Email to receive the gift card').fill(`not-an-email-${attempt}`);
    await page.getByLabel('Your email (for the receipt)').fill('buyer@example.com');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page).toHaveURL(/\/brands\/US\/[^?]+\?draft=1/);
    await expect(page.getByRole('alert').filter({ hasText: 'Please check the highlighted fields' })).toBeVisible();
    await expect(page.getByText('Enter an email address, like name@example.com.')).toBeVisible();
    await expect(page.getByLabel('Email to receive the gift card')).toHaveValue(`not-an-email-${attempt}`);
    await expect(page.getByLabel('Your email (for the receipt)')).toHaveValue('buyer@example.com');
    // nginx writes a line once the answer is sent: give it a moment.
    let post: Served | undefined;
    let back: Served | undefined;
    await expect(async () => {
      const served = servedSince(offset);
      post = served.find((s) => s.method === 'POST' && s.path.startsWith('/api/orders/create'));
      back = served.find((s) => s.method === 'GET' && s.path.startsWith(`/brands/US/${b.family}?draft=1`));
      expect(post && back, 'the post and its follow-up in the access log').toBeTruthy();
    }).toPass({ timeout: 5_000 });
    tried.push(`${post!.upstream} -> ${back!.upstream}`);
    if (post!.upstream !== back!.upstream) {
      console.log(`refused on ${post!.upstream}, shown again by ${back!.upstream} (attempt ${attempt})`);
      return;
    }
  }
  throw new Error(`the post and its follow-up always met the same instance: ${tried.join(', ')}`);
});
