// Browser tests of reading help and page structure, at home and on the
// kiosk: "Lees voor" in the header at home (nl and ar, phone and desktop)
// plays the page's audio from the server; a form that came back says
// "Fout:" first in its title with the summary after the h1; screenshots.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { enrol, artifact, axe, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
});

const SIZES = [['phone', 390, 844], ['desktop', 1280, 800]];

for (const lang of ['nl', 'ar']) {
	for (const [name, width, height] of SIZES) {
		test(`read aloud at home, ${lang}, ${name}: the header button plays the page, and stops`, { timeout: 120000 }, async () => {
			const context = await browser.newContext({ viewport: { width, height } });
			const page = await context.newPage();
			// count what the page plays: the real audio element, observed
			await page.addInitScript(() => {
				window.__played = [];
				const play = HTMLMediaElement.prototype.play;
				HTMLMediaElement.prototype.play = function () {
					window.__played.push(this.src);
					return play.call(this);
				};
			});
			await page.goto(`${server.base}/${lang}/mantelzorg`);
			const button = page.locator('header [data-read-aloud]');
			assert.ok(await button.isVisible(), 'the button is shown at home');
			const box = await button.boundingBox();
			assert.ok(box.y + box.height <= height, `the button is in the first screen: ${box.y}`);
			assert.ok(box.height >= 44, `a target of at least 44 px: ${box.height}`);
			assert.strictEqual(await page.locator('.kiosk-bar').count(), 0, 'no kiosk bar at home');
			const label = (await button.textContent()).trim();
			const audio = page.waitForResponse((r) => r.url().includes('/lees-voor.wav'), { timeout: 90000 });
			await button.click();
			const r = await audio;
			assert.strictEqual(r.status(), 200, 'the server spoke the page');
			assert.strictEqual(r.headers()['content-type'], 'audio/wav');
			const played = await page.evaluate(() => window.__played);
			assert.ok(played.length === 1 && played[0].includes(encodeURIComponent(`/${lang}/mantelzorg`)),
				`the page itself is read: ${played}`);
			assert.notStrictEqual((await button.textContent()).trim(), label, 'the button now says stop');
			await page.screenshot({ path: artifact(`reading-home-${lang}-${name}.png`) });
			await button.click();
			assert.strictEqual((await button.textContent()).trim(), label, 'stopped: the label is back');
			assert.deepStrictEqual(await axe(page), []);
			await context.close();
		});
	}
}

test('a mistyped postcode: "Fout:" in the title, the summary after the h1 and focused, nl and ar', async () => {
	for (const lang of ['nl', 'ar']) {
		for (const [name, width, height] of [...SIZES, ['kiosk', 1080, 1920]]) {
			const context = await browser.newContext({ viewport: { width, height }, hasTouch: name === 'kiosk' });
			const page = await context.newPage();
			if (name === 'kiosk') await enrol(server, page, 'demo');
			const resp = await page.goto(`${server.base}/${lang}/voorzieningen?postcode=12`);
			assert.strictEqual(resp.status(), 422);
			if (lang === 'nl') assert.match(await page.title(), /^Fout: /);
			const order = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3')].map((h) => h.tagName));
			assert.strictEqual(order[0], 'H1', `the h1 comes first: ${order}`);
			assert.ok(await page.evaluate(() => document.activeElement.classList.contains('error-summary')),
				'the summary has the focus');
			await page.screenshot({ path: artifact(`postcode-error-${lang}-${name}.png`) });
			assert.deepStrictEqual(await axe(page), []);
			await context.close();
		}
	}
});
