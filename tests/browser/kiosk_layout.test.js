// Browser tests of the kiosk made for its portrait touch screen (issue 14,
// points 1, 2 and the kiosk parts of 10): type and target sizes measured at
// 1080x1920 in Dutch and Arabic, with and without "Grotere letters"; the
// receipt that prints (window.print, stubbed) and returns with Stoppen in
// view, its height on 80 mm paper; "Roep een medewerker" reaching a staff
// agenda in another browser; landmarks and heading order; screenshots at
// 390x844, 1280x800 and 1080x1920 in nl and ar, with axe-core on each.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { enrol, addStaff, staffLogin, artifact, axe, day, ROOT, NOW, useServerAndBrowser } = require('./harness');

let server, browser, manageUrl, adviceUrl, serviceUrl;

const LETTERS = {
	'Dat lukt me zelf': 'z', 'Dat lukt met hulp van mensen om me heen': 'n', 'Dat lukt niet of moeilijk': 'x',
	'Ja': 'j', 'Nee': 'e', 'Soms': 's', 'Vaak of altijd': 'v', 'Weet ik niet': 'w', 'Sla deze vraag over': 'o',
};
const unentity = (h) => h.replace(/&amp;/g, '&');
async function getText(url) { return (await fetch(server.base + url)).text(); }

// The self-check's first question (for oneself), the postcode skipped.
async function firstQuestion(pathTitle = 'Voor mezelf') {
	let body = await getText('/nl/zelfcheck');
	const m = body.match(new RegExp(`<a class="choice" href="([^"]+)"[^>]*><span class="choice-title">${pathTitle}<`));
	body = await getText(unentity(m[1]));
	return unentity(body.match(/<a class="button secondary" href="([^"]+)"[^>]*>Sla over</)[1]);
}

// The result of the carer's check with the heaviest answers: the longest advice.
async function heavyCarerResult() {
	let url = await firstQuestion('Ik zorg voor iemand');
	for (let i = 0; i < 40; i++) {
		const body = await getText(url);
		const check = body.match(/<a class="button big" href="([^"]+)"[^>]*>Bekijk uw advies/);
		if (check) return unentity(check[1]);
		const links = [...body.matchAll(/<a class="answer[^"]*" href="([^"]+)"[^>]*>([^<]+)<\/a>/g)];
		const heavy = links.find((l) => ['x', 'v', 'j'].includes(LETTERS[l[2]])) || links[0];
		url = unentity(heavy[1]);
	}
	throw new Error('the carer check did not end');
}

async function bookAppointment() {
	for (let n = 0; n < 14; n++) {
		const slots = await (await fetch(`${server.base}/api/v1/slots?location=ww-centrum&date=${day(n)}`)).json();
		const free = (slots.slots || []).find((s) => s.free > 0);
		if (!free) continue;
		const r = await fetch(server.base + '/api/v1/bookings', {
			method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ location: 'ww-centrum', start: free.start, topic: 'iets-anders', name: 'Bon Test', lang: 'nl' }),
		});
		const j = await r.json();
		if (j.manage_url) return new URL(j.manage_url, server.base).pathname;
	}
	throw new Error('no free slot');
}

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
	manageUrl = await bookAppointment();
	adviceUrl = await heavyCarerResult();
	// a service with a website, e-mail or phone (the kiosk shows them as text)
	const search = await getText('/nl/voorzieningen?q=koffie');
	for (const m of search.matchAll(/href="(\/nl\/voorzieningen\/[^"?#]+)[?"]/g)) {
		const page = await getText(m[1]);
		if (/href="(https?:|mailto:|tel:)/.test(page)) { serviceUrl = m[1]; break; }
	}
});

async function kioskPage(width = 1080, height = 1920, terminal = 'demo', init) {
	const context = await browser.newContext({ viewport: { width, height }, hasTouch: true, isMobile: false });
	if (init) await context.addInitScript(init);
	const page = await context.newPage();
	await enrol(server, page, terminal);
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return { context, page, errors };
}

const px = (v) => parseFloat(v);

// Sizes of what matters on a page, as rendered.
async function measure(page) {
	return page.evaluate(() => {
		const fs = (el) => parseFloat(getComputedStyle(el).fontSize);
		const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
		const text = [...document.querySelectorAll('main p, main li, main dd, main label, main td, main th')]
			.filter(visible).filter((el) => el.textContent.trim());
		const answers = [...document.querySelectorAll('a.answer')].map((a) => a.getBoundingClientRect());
		const q = document.querySelector('h1.question');
		const main = document.querySelector('main').getBoundingClientRect();
		const buttons = [...document.querySelectorAll('main .button, main button')].filter(visible)
			.map((b) => b.getBoundingClientRect().height);
		return {
			minText: Math.min(...text.map(fs)),
			smallest: text.sort((a, b) => fs(a) - fs(b)).slice(0, 1).map((e) => e.outerHTML.slice(0, 120))[0],
			question: q ? fs(q) : 0,
			answerFont: document.querySelector('a.answer') ? fs(document.querySelector('a.answer')) : 0,
			answerHeights: answers.map((r) => r.height),
			answerWidths: answers.map((r) => r.width),
			mainWidth: main.width,
			minButton: buttons.length ? Math.min(...buttons) : 0,
			scrollHeight: document.documentElement.scrollHeight,
		};
	});
}

for (const lang of ['nl', 'ar']) {
	test(`portrait kiosk (${lang}): text >= 28 px, questions >= 36 px, answers >= 96 px and full width; Grotere letters grows them all`, { timeout: 120000 }, async () => {
		const { context, page, errors } = await kioskPage();
		const q = (await firstQuestion()).replace('/nl/', `/${lang}/`);
		await page.goto(server.base + q);
		const before = await measure(page);
		assert.ok(before.minText >= 28, `body text ${before.minText} px (${before.smallest})`);
		assert.ok(before.question >= 36, `question ${before.question} px`);
		assert.ok(before.answerHeights.length >= 3 && before.answerHeights.every((h) => h >= 96), `answers ${before.answerHeights}`);
		assert.ok(before.answerWidths.every((w) => w >= before.mainWidth * 0.9), `answers full width: ${before.answerWidths} of ${before.mainWidth}`);
		await page.screenshot({ path: artifact(`kiosk-layout-question-${lang}.png`) });
		// the switch: pressed state in ARIA and in sight
		const toggle = page.locator('[data-toggle="text-large"]');
		assert.strictEqual(await toggle.getAttribute('aria-pressed'), 'false');
		const offBg = await toggle.evaluate((b) => getComputedStyle(b).backgroundColor);
		await toggle.tap();
		assert.strictEqual(await toggle.getAttribute('aria-pressed'), 'true');
		const onBg = await toggle.evaluate((b) => getComputedStyle(b).backgroundColor);
		assert.notStrictEqual(onBg, offBg, 'a pressed switch looks pressed');
		const after = await measure(page);
		assert.ok(after.question >= before.question * 1.2, `question grows: ${before.question} -> ${after.question}`);
		assert.ok(after.answerFont >= before.answerFont * 1.2, `answers grow: ${before.answerFont} -> ${after.answerFont}`);
		assert.ok(after.minText >= before.minText * 1.2, `body text grows: ${before.minText} -> ${after.minText}`);
		assert.ok(after.answerHeights.every((h) => h >= 96), `answers ${after.answerHeights}`);
		await page.screenshot({ path: artifact(`kiosk-layout-question-large-${lang}.png`) });
		// it stays on for the next page, and the buttons grow as well
		await page.goto(server.base + `/${lang}/voorzieningen?q=koffie`);
		assert.strictEqual(await page.locator('[data-toggle="text-large"]').getAttribute('aria-pressed'), 'true');
		const large = await measure(page);
		assert.ok(large.minText >= 35, `search text with Grotere letters: ${large.minText} (${large.smallest})`);
		await page.locator('[data-toggle="text-large"]').tap();
		const normal = await measure(page);
		assert.ok(normal.minText >= 28 && normal.minButton >= 96 && large.minButton > normal.minButton,
			`search: text ${normal.minText}, buttons ${normal.minButton} -> ${large.minButton}`);
		// the other pages of a visit
		for (const [name, url] of [['start', `/kiosk/demo?lang=${lang}`], ['results', `/${lang}/voorzieningen?q=koffie`],
			['advice', adviceUrl.replace('/nl/', `/${lang}/`)], ['appointment', manageUrl.replace('/nl/', `/${lang}/`)]]) {
			await page.goto(server.base + url);
			const m = await measure(page);
			assert.ok(m.minText >= 28, `${name}: body text ${m.minText} px (${m.smallest})`);
			assert.ok(m.minButton === 0 || m.minButton >= 96, `${name}: buttons ${m.minButton} px`);
		}
		// the start screen uses the height of the screen
		await page.goto(server.base + `/kiosk/demo?lang=${lang}`);
		const last = await page.locator('.kiosk-paths li').last().boundingBox();
		assert.ok(last.y + last.height > 1920 * 0.6, `the four ways in fill the screen: last ends at ${last.y + last.height}`);
		const widths = await page.locator('.kiosk-paths li').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
		assert.ok(widths.every((w) => w > 900), `full-width cards: ${widths}`);
		assert.deepStrictEqual(errors, []);
		await context.close();
	});
}

test('kiosk landmarks and heading order: skip link first, the bar is a landmark, h1 before any h2', async () => {
	const { context, page } = await kioskPage();
	for (const url of ['/kiosk/demo', '/nl/voorzieningen?q=koffie', manageUrl, adviceUrl]) {
		await page.goto(server.base + url);
		const r = await page.evaluate(() => {
			const first = document.body.firstElementChild;
			const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => h.tagName);
			const bar = document.querySelector('.kiosk-bar');
			return {
				first: first.className, firstHref: first.getAttribute('href'),
				firstHeading: headings[0],
				barLandmark: bar.tagName === 'SECTION' && !!bar.getAttribute('aria-label'),
				outside: [...document.body.children].filter((el) => !el.matches('header, main, footer, nav, section[aria-label], dialog, .skip-link, .osk, script'))
					.map((el) => el.tagName + '.' + el.className),
			};
		});
		assert.strictEqual(r.first, 'skip-link', `${url}: skip link first`);
		assert.strictEqual(r.firstHref, '#main');
		assert.strictEqual(r.firstHeading, 'H1', `${url}: the first heading is the h1`);
		assert.ok(r.barLandmark, `${url}: the kiosk bar is a named region`);
		assert.deepStrictEqual(r.outside, [], `${url}: nothing outside the landmarks`);
	}
	await context.close();
});

// window.print is stubbed: it records that it was called and measures the
// receipt in print media at 80 mm, then returns as the real one does.
const PRINT_STUB = () => {
	window.print = () => {
		const n = parseInt(sessionStorage.getItem('printed') || '0', 10) + 1;
		sessionStorage.setItem('printed', String(n));
		sessionStorage.setItem('printedFrom', location.pathname + location.search);
	};
};

async function receiptHeight(url, lang) {
	// without JavaScript (no print, no going back), in print media, on 80 mm
	const context = await browser.newContext({ viewport: { width: 302, height: 100 }, javaScriptEnabled: false });
	const page = await context.newPage();
	await enrol(server, page);
	await page.goto(server.base + url.replace('/nl/', `/${lang}/`));
	await page.emulateMedia({ media: 'print' });
	const h = await page.evaluate(() => document.documentElement.scrollHeight);
	const hidden = await page.evaluate(() => ['.kiosk-bar', '.receipt-back', '.site-header', '.site-footer']
		.map((s) => document.querySelector(s)).filter((el) => el && el.getBoundingClientRect().height > 0).map((el) => el.className));
	await page.screenshot({ path: artifact(`kiosk-receipt-${url.includes('afspraak') ? 'appointment' : 'advice'}-${lang}.png`), fullPage: true });
	// and on screen: the receipt has the bar and a Terug button
	await page.emulateMedia({ media: 'screen' });
	const back = await page.locator('.receipt-back a').isVisible();
	const bar = await page.locator('.kiosk-bar .kiosk-stop').isVisible();
	await context.close();
	return { h, hidden, back, bar };
}

for (const lang of ['nl', 'ar']) {
	test(`receipts fit the paper (${lang}): an appointment in 15 cm, the carer's advice in 40 cm of 80 mm`, { timeout: 60000 }, async () => {
		const a = await receiptHeight(manageUrl + '?bon=1', lang);
		assert.ok(a.h <= 567, `appointment receipt ${a.h} px (15 cm = 567 px)`);
		assert.ok(a.h > 150, `the receipt has its content: ${a.h} px`);
		assert.deepStrictEqual(a.hidden, [], 'nothing but the receipt on paper');
		assert.ok(a.back && a.bar, 'without JavaScript the receipt page has Terug and Stoppen');
		const b = await receiptHeight(adviceUrl.replace('/zelfcheck/uitslag?', '/zelfcheck/bon?'), lang);
		assert.ok(b.h <= 1512, `advice receipt ${b.h} px (40 cm = 1512 px)`);
		assert.ok(b.h > 300, `the advice receipt has its content: ${b.h} px`);
		assert.deepStrictEqual(b.hidden, []);
	});
}

test('Printen on the kiosk prints (window.print) and returns with Stoppen in view', { timeout: 60000 }, async () => {
	const { context, page, errors } = await kioskPage(1080, 1920, 'demo', PRINT_STUB);
	for (const [from, link] of [[manageUrl, '.actions a.print-receipt'], [adviceUrl, '.take-home a.print-receipt']]) {
		await page.goto(server.base + from);
		await page.evaluate(() => sessionStorage.removeItem('printed'));
		await page.locator(link).scrollIntoViewIfNeeded();
		await page.locator(link).tap();
		await page.waitForFunction(() => sessionStorage.getItem('printed') === '1' && !/bon/.test(location.pathname + location.search), null, { timeout: 10000 });
		assert.match(await page.evaluate(() => sessionStorage.getItem('printedFrom')), /bon/, 'printed from the receipt');
		assert.strictEqual(new URL(page.url()).pathname + new URL(page.url()).search, from, 'back where the person was');
		await page.waitForSelector('.kiosk-bar .kiosk-stop', { state: 'visible' });
		const stop = await page.locator('.kiosk-bar .kiosk-stop').boundingBox();
		assert.ok(stop && stop.y >= 0 && stop.y < 200, `Stoppen in view at the top: ${JSON.stringify(stop)}`);
	}
	assert.deepStrictEqual(errors, []);
	await context.close();
});

test('Roep een medewerker: the staff agenda of the wijkwijzer hears it live; the kiosk says someone is coming', { timeout: 60000 }, async () => {
	const password = 'zuil-wachtwoord-browser';
	addStaff(server, 'zuil.centrum', password);
	const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const staff = await staffContext.newPage();
	await staffLogin(server, staff, 'zuil.centrum', password);
	await staff.waitForFunction(() => document.querySelector('[data-staff-calls]').dataset.ready === '1', null, { timeout: 10000 });

	const { context, page, errors } = await kioskPage(1080, 1920, 'demo');
	await page.goto(server.base + '/nl/voorzieningen?q=koffie');
	const url = page.url();
	await page.locator('.kiosk-bar .call-staff').tap();
	await page.waitForSelector('.kiosk-call-status.sent');
	assert.match(await page.locator('.kiosk-call-status').innerText(), /Er komt iemand naar u toe/);
	assert.strictEqual(page.url(), url, 'the kiosk stays on its page');
	assert.ok(await page.locator('.call-staff').isDisabled(), 'not twice in a row');
	await page.screenshot({ path: artifact('kiosk-call-staff-kiosk.png') });
	await staff.waitForSelector('[data-staff-calls] li', { timeout: 10000 });
	const notice = await staff.locator('[data-staff-calls] li').first().innerText();
	assert.match(notice, /^\d\d:\d\d: .*zuil demo/, `the notice names the time and terminal: ${notice}`);
	assert.strictEqual(await staff.locator('[data-staff-calls]').getAttribute('aria-live'), 'assertive');
	await staff.screenshot({ path: artifact('kiosk-call-staff-agenda.png') });
	assert.deepStrictEqual(await axe(staff), [], 'the agenda with a notice passes axe');
	// the agenda with its notice on a phone and in Arabic (the notice is
	// live, so it is added again after the page is loaded)
	for (const [lang, width, height] of [['nl', 390, 844], ['ar', 390, 844], ['ar', 1280, 800]]) {
		await staff.setViewportSize({ width, height });
		await staff.goto(server.base + `/${lang}/medewerker/agenda`);
		await staff.waitForFunction(() => document.querySelector('[data-staff-calls]').dataset.ready === '1');
		await staff.evaluate(() => {
			const box = document.querySelector('[data-staff-calls]');
			const li = document.createElement('li');
			li.textContent = box.dataset.template.replace('%1$s', '09:00').replace('%2$s', 'demo');
			box.querySelector('ul').appendChild(li);
			box.classList.add('has-calls');
		});
		await staff.screenshot({ path: artifact(`kiosk-call-staff-agenda-${width}-${lang}.png`) });
		assert.deepStrictEqual(await axe(staff), [], `agenda ${width} ${lang}`);
	}
	assert.deepStrictEqual(errors, []);
	await context.close();
	await staffContext.close();
});

// The confirmation's heading and its way back, in each language.
const CALLED = { nl: ['Er komt iemand naar u toe', 'Terug'], ar: ['سيأتي إليك أحد الموظفين', 'رجوع'] };

test('Roep een medewerker without JavaScript: a confirmation page with Terug, in Arabic too', { timeout: 60000 }, async () => {
	for (const lang of ['nl', 'ar']) {
		const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, javaScriptEnabled: false });
		const page = await context.newPage();
		await enrol(server, page, lang === 'nl' ? 'test' : 'roombeek-1');
		const from = `/${lang}/voorzieningen?q=koffie`;
		await page.goto(server.base + from);
		await Promise.all([page.waitForURL(/\/medewerker$/), page.locator('.call-staff').click()]);
		assert.strictEqual(await page.locator('h1').innerText(), CALLED[lang][0]);
		assert.strictEqual(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
		assert.ok(await page.locator('.kiosk-bar .kiosk-stop').isVisible(), 'Stoppen on the confirmation');
		await page.screenshot({ path: artifact(`kiosk-call-staff-nojs-${lang}.png`) });
		await Promise.all([page.waitForURL((u) => u.pathname + u.search === from), page.locator(`main a.button:has-text("${CALLED[lang][1]}")`).click()]);
		await context.close();
	}
	// axe needs JavaScript: the same page reached by a plain form submit
	// (which app.js does not intercept), in Arabic
	const { context, page } = await kioskPage(1080, 1920, 'demo');
	await page.goto(server.base + '/ar/voorzieningen?q=koffie');
	await Promise.all([page.waitForURL(/\/medewerker$/), page.evaluate(() => document.querySelector('[data-call-staff]').submit())]);
	assert.strictEqual(await page.locator('h1').innerText(), CALLED.ar[0]);
	assert.deepStrictEqual(await axe(page), [], 'the confirmation passes axe');
	await context.close();
});

const VIEWPORTS = [['phone', 390, 844], ['desktop', 1280, 800], ['kiosk', 1080, 1920]];
for (const lang of ['nl', 'ar']) {
	test(`screenshots and axe-core (${lang}) at 390x844, 1280x800 and the 1080x1920 kiosk`, { timeout: 240000 }, async () => {
		for (const [name, width, height] of VIEWPORTS) {
			const kiosk = name === 'kiosk';
			const context = await browser.newContext({ viewport: { width, height }, hasTouch: kiosk || name === 'phone' });
			const page = await context.newPage();
			if (kiosk) await enrol(server, page);
			const q = (await firstQuestion()).replace('/nl/', `/${lang}/`);
			const pages = [['question', q], ['results', `/${lang}/voorzieningen?q=koffie`], ['service', serviceUrl.replace('/nl/', `/${lang}/`)],
				['advice', adviceUrl.replace('/nl/', `/${lang}/`)],
				['appointment', manageUrl.replace('/nl/', `/${lang}/`)]];
			if (kiosk) pages.unshift(['start', `/kiosk/demo?lang=${lang}`]);
			for (const [what, url] of pages) {
				await page.goto(server.base + url);
				await page.screenshot({ path: artifact(`kiosk-layout-${name}-${what}-${lang}.png`), fullPage: what !== 'advice' });
				const v = await axe(page);
				assert.deepStrictEqual(v, [], `axe on ${what} (${name}, ${lang}): ${JSON.stringify(v)}`);
				if (kiosk) {
					const html = await page.content();
					assert.ok(!/href="https?:\/\/(?!127\.0\.0\.1)/.test(html), `${what}: no link out of the kiosk`);
					assert.ok(!/\.ics"/.test(html) && !/use-location/.test(html), `${what}: no calendar file, no geolocation`);
				}
			}
			await context.close();
		}
	});
}
