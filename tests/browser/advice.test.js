// Browser tests of the self-check's advice (issue 14, point 4): the summary
// (at most three next steps) and the booking button are in the first
// screen on a phone (390x844), a desktop (1280x800) and a portrait kiosk
// (1080x1920, enrolled, touch), in Dutch and Arabic; the needs come
// heaviest first with one or two options each; an all-fine result folds
// its "Fijn dat ..." blocks into one line; the consent preview of a
// booking shows questions and answers in words. Screenshots of the first
// screen and the whole page go to tests/artifacts/; axe-core stays clean.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { enrol, artifact, axe, day, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
});

const LETTERS = {
	'Dat lukt me zelf': 'z', 'Dat lukt hem of haar zelf': 'z', 'Dat lukt met hulp van mensen om me heen': 'n',
	'Dat lukt met hulp van mensen om hem of haar heen': 'n', 'Dat lukt niet of moeilijk': 'x', 'Ja': 'j',
	'Nee': 'e', 'Soms': 's', 'Vaak of altijd': 'v', 'Weet ik niet': 'w', 'Sla deze vraag over': 'o',
};
const PATH_TITLES = { s: 'Voor mezelf', o: 'Voor iemand anders', c: 'Ik zorg voor iemand' };

// Clicks through the check in page as a resident (Dutch), the postcode
// typed when asked (not on a kiosk); returns the result URL.
async function walk(page, path, answers, postcode = '7522') {
	await page.goto(server.base + '/nl/zelfcheck');
	await page.goto(server.base + await page.locator('a.choice', { hasText: PATH_TITLES[path] }).getAttribute('href'));
	if (await page.locator('#f-pc').count()) {
		await page.fill('#f-pc', postcode);
		await page.click('form button[type=submit]');
		await page.waitForSelector('a.answer');
	}
	for (const a of answers) {
		const links = await page.$$eval('a.answer', (els) => els.map((e) => [e.getAttribute('href'), e.textContent.trim()]));
		const link = links.find((l) => LETTERS[l[1]] === a);
		assert.ok(link, `answer ${a} offered`);
		await page.goto(server.base + link[0]);
	}
	const href = await page.locator('a.button.big', { hasText: 'Bekijk uw advies' }).getAttribute('href');
	return href;
}

const SCREENS = [
	{ name: 'phone', width: 390, height: 844, kiosk: false },
	{ name: 'desktop', width: 1280, height: 800, kiosk: false },
	{ name: 'kiosk', width: 1080, height: 1920, kiosk: true },
];

async function context(screen) {
	const ctx = await browser.newContext({
		viewport: { width: screen.width, height: screen.height },
		hasTouch: screen.kiosk || screen.name === 'phone', isMobile: false,
	});
	const page = await ctx.newPage();
	if (screen.kiosk) await enrol(server, page);
	return { ctx, page };
}

// What the first screen of a result page shows: the summary's box and the
// booking button, measured against the viewport.
async function firstScreen(page) {
	return page.evaluate(() => {
		const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect(); return { top: r.top + scrollY, bottom: r.bottom + scrollY, height: r.height, width: r.width }; };
		const summary = document.querySelector('.advice-summary');
		const button = summary && summary.querySelector('a.button');
		return {
			vh: innerHeight,
			summary: box(summary),
			button: box(button),
			href: button && button.getAttribute('href'),
			label: button && button.textContent.trim(),
			steps: [...document.querySelectorAll('.advice-summary .next-steps li a')].map((a) => [a.textContent.trim(), a.getAttribute('href')]),
			needs: [...document.querySelectorAll('.need')].map((n) => ({
				id: n.id, title: n.querySelector('h3').textContent.trim(),
				options: n.querySelectorAll('.results > li').length, nothing: !!n.querySelector('.nothing-near'),
			})),
			dir: document.documentElement.dir,
			scrollWidth: document.documentElement.scrollWidth,
			pageHeight: document.documentElement.scrollHeight,
		};
	});
}

const CASES = [
	// a heavily burdened carer, alone, who would like the care taken over
	{ name: 'carer-heavy', path: 'c', answers: 'vvvvvjjj' },
	// cannot do much: nothing goes well but safety
	{ name: 'self-heavy', path: 's', answers: 'xxxxxxxej' },
	// everything fine
	{ name: 'self-fine', path: 's', answers: 'zzzzzzzej' },
];

for (const screen of SCREENS) {
	test(`advice: summary and booking button in the first screen (${screen.name} ${screen.width}x${screen.height}), nl and ar`, { timeout: 240000 }, async () => {
		const { ctx, page } = await context(screen);
		try {
			for (const c of CASES) {
				const result = await walk(page, c.path, c.answers);
				for (const lang of ['nl', 'ar']) {
					await page.goto(server.base + result.replace(/^\/nl\//, `/${lang}/`));
					const m = await firstScreen(page);
					const what = `${c.name} ${screen.name} ${lang}`;
					await page.screenshot({ path: artifact(`advice-${c.name}-${screen.name}-${lang}.png`) });
					await page.screenshot({ path: artifact(`advice-${c.name}-${screen.name}-${lang}-full.png`), fullPage: true });
					if (await page.locator('.need').count())
						await page.locator('.need').first().screenshot({ path: artifact(`advice-${c.name}-${screen.name}-${lang}-need1.png`) });
					assert.ok(m.summary, `${what}: a summary`);
					assert.ok(m.button && m.button.height >= 44, `${what}: a booking button in the summary`);
					assert.ok(m.button.bottom <= m.vh, `${what}: the booking button ends at ${m.button.bottom} px, the screen at ${m.vh}`);
					assert.ok(m.summary.bottom <= m.vh, `${what}: the summary ends at ${m.summary.bottom} px, the screen at ${m.vh}`);
					assert.match(m.href, new RegExp(`^/${lang}/afspraak\\?onderwerp=[a-z-]+&zelfcheck=`), `${what}: a real booking link`);
					assert.ok(m.steps.length <= 3, `${what}: at most three steps (${m.steps.length})`);
					assert.ok(m.scrollWidth <= screen.width, `${what}: no horizontal scrolling (${m.scrollWidth})`);
					assert.strictEqual(m.dir, lang === 'ar' ? 'rtl' : 'ltr', `${what}: direction`);
					if (c.name === 'self-fine') {
						assert.strictEqual(m.needs.length, 0, `${what}: no needs`);
						const fine = await page.locator('details.advice-fine').count();
						const open = await page.locator('details.advice-fine[open]').count();
						const h = await page.locator('details.advice-fine summary').evaluate((e) => e.getBoundingClientRect().height);
						assert.ok(fine === 1 && open === 0 && h < 120, `${what}: the fine advice folded into one line (${h} px)`);
					} else {
						assert.ok(m.steps.length >= 1, `${what}: next steps`);
						for (const [, href] of m.steps) assert.ok(m.needs.some((n) => `#${n.id}` === href), `${what}: step ${href} leads to its need`);
						for (const n of m.needs) assert.ok((n.options >= 1 && n.options <= 2) || n.nothing, `${what}: ${n.title}: ${n.options} options`);
					}
					if (c.name === 'carer-heavy' && lang === 'nl') {
						assert.strictEqual(m.steps[0][0], 'De zorg even overdragen', `${what}: respite first (${m.steps.map((s) => s[0])})`);
						assert.match(m.href, /onderwerp=mantelzorg/, `${what}: a mantelzorg appointment`);
						const smoke = await page.locator('.advice-summary', { hasText: 'rookmelder' }).count();
						assert.strictEqual(smoke, 0, `${what}: not first told about smoke detectors`);
					}
					if (c.name === 'self-heavy' && lang === 'nl')
						assert.strictEqual(m.steps[0][0], 'Niet alleen thuis', `${what}: alone and cannot travel: loneliness first (${m.steps.map((s) => s[0])})`);
					const v = await axe(page);
					assert.deepStrictEqual(v, [], `${what}: axe: ${JSON.stringify(v)}`);
				}
			}
		} finally {
			await ctx.close();
		}
	});
}

test('advice: the step links jump to their need, the carer check link starts the carer path', { timeout: 120000 }, async () => {
	const { ctx, page } = await context(SCREENS[0]);
	try {
		const result = await walk(page, 's', 'zzzzzzzjj');
		await page.goto(server.base + result);
		const link = page.locator('.need .advice-link a', { hasText: "Doe de check 'Ik zorg voor iemand'" });
		assert.strictEqual(await link.count(), 1, 'the carer check is a link');
		await Promise.all([page.waitForURL(/zelfcheck\?s=/), link.click()]);
		assert.match(await page.locator('h1').textContent(), /Wat is uw postcode/, 'the carer path starts at its postcode step');
		await page.fill('#f-pc', '7522');
		await page.click('form button[type=submit]');
		await page.waitForSelector('a.answer');
		assert.match(await page.locator('h1').textContent(), /zorg voor de ander zwaar/, 'then the first carer question');
	} finally {
		await ctx.close();
	}
});

test('consent preview: questions and answers in words (nl and ar), screenshots', { timeout: 120000 }, async () => {
	const { ctx, page } = await context(SCREENS[0]);
	try {
		const result = await walk(page, 'c', 'vvvvvjjj');
		for (const lang of ['nl', 'ar']) {
			await page.goto(server.base + result.replace(/^\/nl\//, `/${lang}/`));
			const book = await page.locator('.advice-summary a.button').getAttribute('href');
			const code = new URL(server.base + book).searchParams.get('zelfcheck');
			// the details step of a free slot, with the advice's code
			let slot = null;
			for (let d = 1; d < 30 && !slot; d++) {
				const r = await (await fetch(`${server.base}/api/v1/slots?location=ww-noord&date=${day(d)}&topic=mantelzorg`)).json();
				slot = r.slots.find((s) => s.free >= 1);
			}
			assert.ok(slot, 'a free slot');
			await page.goto(`${server.base}/${lang}/afspraak?locatie=ww-noord&onderwerp=mantelzorg&tijd=${slot.start.slice(0, 16)}&zelfcheck=${encodeURIComponent(code)}`);
			assert.ok(await page.locator('#f-naam').count(), `${lang}: reached the details step (${page.url()})`);
			await page.locator('details.shared summary').click();
			const text = await page.locator('details.shared').textContent();
			await page.locator('details.shared').scrollIntoViewIfNeeded();
			await page.screenshot({ path: artifact(`advice-consent-${lang}.png`) });
			assert.ok(!/zorg-zwaar|tijd-voor-uzelf|er-alleen-voor/.test(text), `${lang}: no slugs: ${text}`);
			if (lang === 'nl') assert.ok(/Voelt de zorg voor de ander zwaar\?/.test(text) && /Vaak of altijd/.test(text), `nl: in words: ${text}`);
			else assert.ok(/[\u0600-\u06ff]{3}/.test(text) && !/Vaak of altijd/.test(text), `ar: in Arabic: ${text}`);
			const v = await axe(page);
			assert.deepStrictEqual(v, [], `${lang}: axe: ${JSON.stringify(v)}`);
		}
	} finally {
		await ctx.close();
	}
});
