// Browser test of the insight dashboard (issue 16): a beheerder opens it
// with the demo's example counts at phone and desktop size in Dutch and
// Arabic; the example notice shows, every chart has a table with the same
// name beside it, cells under ten are "< 10", axe-core finds nothing
// serious; screenshots in tests/artifacts/.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const { execFileSync } = require('child_process');
const { addStaff, staffLogin, artifact, axe, useServerAndBrowser, ROOT, NOW } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
	addStaff(server, 'inzicht.baas', 'beheerder-wachtwoord-1', 'beheerder');
	// the demo's generated counts, as make run fills them
	execFileSync(path.join(ROOT, 'build', 'wijkwijzer'), ['--data', server.data, '--insight-example'],
		{ env: { ...process.env, WIJKWIJZER_NOW: NOW }, stdio: ['ignore', 'ignore', 'ignore'] });
});

const SIZES = [['phone', 390, 844], ['desktop', 1280, 800]];

for (const lang of ['nl', 'ar']) {
	for (const [size, width, height] of SIZES) {
		test(`the insight dashboard in ${lang} at ${size} size`, { timeout: 120000 }, async () => {
			const ctx = await browser.newContext({ viewport: { width, height } });
			const page = await ctx.newPage();
			await staffLogin(server, page, 'inzicht.baas', 'beheerder-wachtwoord-1');
			await Promise.all([page.waitForURL(/medewerker\/inzicht$/, { waitUntil: 'load' }),
				page.click('.staff-nav a[href$="/medewerker/inzicht"]')]);
			assert.strictEqual(await page.locator('.staff-nav a[aria-current=page]').count(), 1);
			if (lang !== 'nl') {
				await page.goto(server.base + `/${lang}/medewerker/inzicht?weken=52`, { waitUntil: 'load' });
				assert.strictEqual(await page.getAttribute('html', 'dir'), 'rtl');
			}
			// the example notice (Dutch until translated)
			if (lang === 'nl')
				assert.match(await page.locator('main').innerText(), /Dit zijn voorbeeldcijfers, geen echte tellingen\./);
			const charts = page.locator('svg.insight-chart');
			const n = await charts.count();
			assert.ok(n >= 5, `charts: ${n}`);
			for (let i = 0; i < n; i++) {
				const chart = charts.nth(i);
				assert.strictEqual(await chart.getAttribute('role'), 'img');
				const name = await chart.getAttribute('aria-label');
				const pair = page.locator('.insight-pair').nth(i);
				const caption = (await pair.locator('table caption').innerText()).trim();
				assert.ok(name.startsWith(caption), `each chart has its table beside it: ${name} / ${caption}`);
				assert.ok(await pair.locator('table tbody tr').count() >= 1);
			}
			assert.match(await page.locator('main').innerText(), /< 10/);
			// nothing wider than the screen
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
			assert.ok(overflow <= 1, `no sideways scrolling: ${overflow}`);
			assert.deepStrictEqual(await axe(page), [], 'axe on the insight dashboard');
			await page.screenshot({ path: artifact(`insight-${lang}-${size}.png`), fullPage: true });
			await ctx.close();
		});
	}
}
