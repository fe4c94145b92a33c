// Browser tests of search and the respite finder (issue 14, points 3 and
// 5): after a search the results are in the first screen, the filters in
// use are labels that remove one filter each, the finder lands on its
// results, the search is carried to a service page and back, and costs
// and office hours read right. At 390x844 (phone), 1280x800 (desktop) and
// 1080x1920 (an enrolled kiosk terminal, touch), in Dutch and Arabic, with
// axe-core and screenshots in tests/artifacts/.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { enrol, artifact, axe, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
});

const MODES = [
	{ name: 'phone', width: 390, height: 844, touch: true, mobile: true },
	{ name: 'desktop', width: 1280, height: 800, touch: false, mobile: false },
	{ name: 'kiosk', width: 1080, height: 1920, touch: true, mobile: false, kiosk: true },
];
const LANGS = ['nl', 'ar'];

async function open(mode) {
	const context = await browser.newContext({
		viewport: { width: mode.width, height: mode.height }, hasTouch: mode.touch, isMobile: mode.mobile,
	});
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	if (mode.kiosk) await enrol(server, page, 'demo');
	return { context, page, errors };
}

async function closeKeyboard(page) {
	const done = page.locator('.osk:not([hidden]) .done');
	if (await done.count()) await done.tap();
}

// Taps on touch screens, clicks elsewhere, and waits for the page it opens.
// On the kiosk the on-screen keyboard opens for a field; a resident taps
// "Klaar" before tapping what it covers.
async function press(page, mode, locator) {
	await closeKeyboard(page);
	await locator.scrollIntoViewIfNeeded();
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
		mode.touch ? locator.tap() : locator.click()]);
}

// Where an element's top is, in CSS pixels from the top of the screen.
async function topOf(page, selector) {
	return page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().top);
}

// Whether an element is in view and on top (not under the kiosk's bar).
async function uncovered(page, selector) {
	return page.locator(selector).first().evaluate((e) => {
		const r = e.getBoundingClientRect();
		const x = r.left + Math.min(20, r.width / 2), y = r.top + Math.min(10, r.height / 2);
		if (y < 0 || y > window.innerHeight) return false;
		const hit = document.elementFromPoint(document.dir === 'rtl' ? r.right - 20 : x, y);
		return hit !== null && (hit === e || e.contains(hit));
	});
}

function assertClean(violations, where) {
	assert.deepStrictEqual(violations, [], `axe on ${where}: ${JSON.stringify(violations)}`);
}

for (const mode of MODES) {
	for (const lang of LANGS) {
		test(`results first after a search (${mode.name}, ${lang})`, async () => {
			const { context, page, errors } = await open(mode);
			try {
				await page.goto(`${server.base}/${lang}/voorzieningen`);
				await page.fill('#f-q', 'boodschappen');
				await page.fill('#f-postcode', '7511');
				await press(page, mode, page.locator('form.search button[type=submit]'));
				assert.match(page.url(), /q=boodschappen/);
				assert.match(page.url(), /#result-count$/);
				// empty filter fields came along, yet "Meer keuzes" stays closed
				assert.match(page.url(), /categorie=&/);
				assert.strictEqual(await page.locator('details.filters').evaluate((d) => d.open), false,
					'Meer keuzes closed without filters');
				assert.strictEqual(await page.locator('.filter-label').count(), 0, 'no labels without filters');
				const top = await topOf(page, '.result');
				assert.ok(top >= -2 && top < mode.height - 100,
					`first result at ${top}px in a ${mode.height}px screen`);
				assert.ok(await uncovered(page, '#result-count'), 'the result count is in view, not under a bar');
				assert.ok(await uncovered(page, '.result-title a'), 'the first result is in view');
				const first = await page.locator('.result-title a').first().getAttribute('href');
				assert.match(first, /\/voorzieningen\/burenhulp\?q=boodschappen&postcode=7511$/,
					'a shopping service first, the search carried along');
				await page.screenshot({ path: artifact(`search-results-${mode.name}-${lang}.png`) });
				assertClean(await axe(page), `${lang} search results (${mode.name})`);

				// the result's page: "Terug naar zoeken" keeps the query and the postcode
				await press(page, mode, page.locator('.result-title a').first());
				const back = await page.locator('p.back a').getAttribute('href');
				assert.strictEqual(back, `/${lang}/voorzieningen?q=boodschappen&postcode=7511`);
				await press(page, mode, page.locator('p.back a'));
				assert.strictEqual(await page.inputValue('#f-q'), 'boodschappen');
				assert.strictEqual(await page.inputValue('#f-postcode'), '7511');
				assert.deepStrictEqual(errors, []);
			} finally {
				await context.close();
			}
		});

		test(`filter labels remove one filter each (${mode.name}, ${lang})`, async () => {
			const { context, page, errors } = await open(mode);
			try {
				await page.goto(`${server.base}/${lang}/voorzieningen?functie=mz-respijtzorg&kosten=gratis&postcode=7511#result-count`);
				assert.strictEqual(await page.locator('details.filters').evaluate((d) => d.open), true,
					'Meer keuzes open with a filter set');
				const labels = page.locator('a.filter-label');
				assert.strictEqual(await labels.count(), 2, 'the respijtzorg filter and "Alleen gratis"');
				const names = await labels.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')));
				if (lang === 'nl')
					assert.deepStrictEqual(names, ['Filter Respijtzorg verwijderen', 'Filter Alleen gratis verwijderen']);
				// every label's name holds its visible text (WCAG 2.5.3)
				const texts = await labels.evaluateAll((as) => as.map((a) => a.textContent.replace('×', '').trim()));
				texts.forEach((t, i) => assert.ok(names[i].includes(t), `"${names[i]}" holds "${t}"`));
				// a label is a touch target of at least 44 px
				const h = await labels.first().evaluate((a) => a.getBoundingClientRect().height);
				assert.ok(h >= 44, `label ${h}px high`);
				const ids = await page.locator('.result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
				assert.ok(!ids.some((x) => /carinova-respijtzorg-thuis|estinea-weekendlogeren/.test(x)),
					'services without cost options are not free');
				await page.screenshot({ path: artifact(`search-labels-${mode.name}-${lang}.png`) });
				assertClean(await axe(page), `${lang} search with labels (${mode.name})`);

				// removing "Alleen gratis": the respijtzorg filter stays, the results are in view
				await press(page, mode, labels.nth(1));
				assert.doesNotMatch(page.url(), /kosten=/);
				assert.match(page.url(), /functie=mz-respijtzorg/);
				assert.strictEqual(await page.locator('a.filter-label').count(), 1);
				const top = await topOf(page, '.result');
				assert.ok(top >= -2 && top < mode.height, `first result at ${top}px after removing a filter`);
				assert.ok(await uncovered(page, '#result-count'), 'the result count in view after removing a filter');
				const item = page.locator('li.result', { has: page.locator('a[href*="carinova-respijtzorg-thuis"]') });
				assert.strictEqual(await item.locator('.badge.free').count(), 0, 'not shown as free');
				assert.strictEqual(await item.locator('.cost-ask').count(), 1, '"Vraag naar de kosten"');
				// removing the last one: the plain search, nothing left to remove
				await press(page, mode, page.locator('a.filter-label'));
				assert.strictEqual(await page.locator('a.filter-label').count(), 0);
				assert.strictEqual(await page.locator('details.filters').evaluate((d) => d.open), false);
				assert.deepStrictEqual(errors, []);
			} finally {
				await context.close();
			}
		});

		test(`the respite finder lands on its results (${mode.name}, ${lang})`, async () => {
			const { context, page, errors } = await open(mode);
			try {
				await page.goto(`${server.base}/${lang}/mantelzorg`);
				await page.fill('#f-postcode', '7511');
				await closeKeyboard(page);
				const dementia = page.locator('#r-voor-1');
				await dementia.scrollIntoViewIfNeeded();
				await (mode.touch ? page.locator('label[for="r-voor-1"]').tap() : dementia.check());
				await press(page, mode, page.locator('.finder button[type=submit]'));
				assert.match(page.url(), /#respite-results$/);
				const top = await topOf(page, '#respite-results');
				assert.ok(top >= -2 && top < mode.height / 2, `results heading at ${top}px`);
				assert.ok(await uncovered(page, '#respite-results'), 'the results heading is not under a bar');
				const labels = page.locator('a.filter-label');
				assert.strictEqual(await labels.count(), 1, 'the answer "Iemand met dementie" as a label');
				await page.screenshot({ path: artifact(`respite-results-${mode.name}-${lang}.png`) });
				assertClean(await axe(page), `${lang} respite results (${mode.name})`);
				await press(page, mode, labels.first());
				assert.doesNotMatch(page.url(), /voor=/);
				assert.match(page.url(), /postcode=7511/);
				assert.strictEqual(await page.locator('a.filter-label').count(), 0);
				assert.deepStrictEqual(errors, []);
			} finally {
				await context.close();
			}
		});
	}

	test(`a logeerhuis shows office hours, not "gesloten" (${mode.name})`, async () => {
		const { context, page } = await open(mode);
		try {
			for (const lang of LANGS) {
				await page.goto(`${server.base}/${lang}/voorzieningen/logeerhuis-de-esch-logeren?postcode=7511`);
				const cells = await page.locator('.hours-table td').allTextContents();
				assert.strictEqual(cells.length, 7);
				if (lang === 'nl') {
					assert.strictEqual(await page.locator('.hours-table caption').textContent(), 'Kantoortijden');
					assert.ok(!cells.includes('gesloten'), `no "gesloten": ${cells}`);
				}
				await page.screenshot({ path: artifact(`service-office-hours-${mode.name}-${lang}.png`), fullPage: true });
				assertClean(await axe(page), `${lang} logeerhuis (${mode.name})`);
			}
			await page.goto(`${server.base}/nl/voorzieningen/estinea-weekendlogeren`);
			assert.match(await page.locator('.service').textContent(), /Vraag naar de kosten/);
			assert.doesNotMatch(await page.locator('.service').textContent(), /Gratis/);
		} finally {
			await context.close();
		}
	});
}
