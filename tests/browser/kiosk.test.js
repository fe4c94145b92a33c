// Browser tests of the kiosk and the portal in headless Debian Chromium:
// the whole kiosk journey by touch, the idle reset, axe-core on every page
// in Dutch and Arabic, touch target sizes, and screenshots.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { enrol, artifact, axe, day, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
});

async function kioskPage(width = 1080, height = 1920, terminal = 'demo') {
	const context = await browser.newContext({ viewport: { width, height }, hasTouch: true, isMobile: false });
	const page = await context.newPage();
	await enrol(server, page, terminal);
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return { context, page, errors };
}

async function tapText(page, selector) {
	const el = page.locator(selector).first();
	await el.scrollIntoViewIfNeeded();
	await el.tap();
}

async function typeOnScreen(page, text) {
	for (const ch of text) {
		const key = page.locator('.osk .osk-key', { hasText: new RegExp('^' + ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$') }).first();
		await key.tap();
	}
}

// The self-check's state is sealed into its URLs, so a test reaches a step
// the way a resident does: by following the links (here with fetch, from a
// Dutch start; the same URL shows the step in any language).
const LETTERS = {
	'Dat lukt me zelf': 'z', 'Dat lukt hem of haar zelf': 'z', 'Dat lukt met hulp van mensen om me heen': 'n',
	'Dat lukt met hulp van mensen om hem of haar heen': 'n', 'Dat lukt niet of moeilijk': 'x', 'Ja': 'j',
	'Nee': 'e', 'Soms': 's', 'Vaak of altijd': 'v', 'Weet ik niet': 'w', 'Sla deze vraag over': 'o',
};
const PATH_TITLES = { s: 'Voor mezelf', o: 'Voor iemand anders', c: 'Ik zorg voor iemand' };
const unentity = (h) => h.replace(/&amp;/g, '&');

async function getText(url) {
	return (await fetch(server.base + url)).text();
}

// The URL of the self-check for path with these answers given, the postcode
// skipped (postcode false: the postcode question itself).
async function selfcheckUrl(path, answers = '', postcode = true) {
	let body = await getText('/nl/zelfcheck');
	let m = body.match(new RegExp(`<a class="choice" href="([^"]+)"[^>]*><span class="choice-title">${PATH_TITLES[path]}<`));
	let url = unentity(m[1]);
	if (!postcode) return url;
	body = await getText(url);
	url = unentity(body.match(/<a class="button secondary" href="([^"]+)"[^>]*>Sla over</)[1]);
	for (const a of answers) {
		body = await getText(url);
		const links = [...body.matchAll(/<a class="answer[^"]*" href="([^"]+)"[^>]*>([^<]+)<\/a>/g)];
		url = unentity(links.find((l) => LETTERS[l[2]] === a)[1]);
	}
	return url;
}

async function selfcheckResultUrl(path, answers) {
	const body = await getText(await selfcheckUrl(path, answers));
	return unentity(body.match(/<a class="button big" href="([^"]+)"[^>]*>Bekijk uw advies/)[1]);
}

test('kiosk journey by touch: self-check, then an appointment typed on the on-screen keyboard', async () => {
	const { context, page, errors } = await kioskPage();
	await page.goto(server.base + '/kiosk/demo');
	await page.screenshot({ path: artifact('kiosk-start-portrait.png') });
	assert.ok(await page.locator('.kiosk-lang').count() === 7, 'seven languages on the start screen');
	await tapText(page, '.kiosk-paths a:has-text("Wat kan mij helpen?")');
	await tapText(page, 'a.choice:has-text("Voor mezelf")');
	// the kiosk knows its place: no postcode question
	await page.waitForSelector('a.answer');
	for (let i = 0; i < 9; i++) {
		await page.waitForSelector('a.answer');
		const answers = page.locator('a.answer');
		const n = await answers.count();
		const url = page.url();
		// "lukt niet" on the life domains, "ja" on the last two
		await answers.nth(i >= 7 ? 0 : Math.min(2, n - 1)).tap();
		await page.waitForURL((u) => u.toString() !== url);
	}
	await page.screenshot({ path: artifact('kiosk-selfcheck-check.png') });
	await tapText(page, 'a:has-text("Bekijk uw advies")');
	await page.screenshot({ path: artifact('kiosk-selfcheck-result.png'), fullPage: true });
	assert.ok(await page.locator('.qr svg').count() === 1, 'take-home QR on the result');
	await tapText(page, 'a:has-text("Maak een afspraak met de wijkwijzer")');
	// location (this wijkwijzer) and topic are filled in: choose a day
	await page.locator('a.choice.day').first().tap();
	await page.locator('.time-choice label').first().tap();
	await tapText(page, 'button:text-is("Verder")');
	// the name, typed on the on-screen keyboard
	await page.locator('#f-naam').tap();
	await page.waitForSelector('.osk:not([hidden])');
	await page.screenshot({ path: artifact('kiosk-keyboard.png') });
	const field = await page.locator('#f-naam').boundingBox();
	const keyboard = await page.locator('.osk').boundingBox();
	assert.ok(field.y + field.height <= keyboard.y, 'the keyboard never covers the field being typed in');
	await page.locator('.osk .osk-key', { hasText: /^Hoofdletters$/ }).tap();
	await typeOnScreen(page, 'Aysé');
	assert.strictEqual(await page.locator('#f-naam').inputValue(), 'Aysé');
	await page.locator('#f-telefoon').tap();
	assert.strictEqual(await page.locator('.osk').getAttribute('data-layout'), 'phone', 'number pad for the phone');
	await typeOnScreen(page, '0612345678');
	await page.locator('.osk .osk-key.done').tap();
	assert.strictEqual(await page.locator('#f-telefoon').inputValue(), '0612345678');
	await page.locator('#f-delen').tap();
	await tapText(page, 'button:has-text("Verder naar controleren")');
	await page.waitForSelector('h1:has-text("Klopt alles")', { timeout: 10000 });
	await tapText(page, 'button:has-text("Afspraak maken")');
	await page.waitForSelector('text=Uw afspraak staat vast');
	await page.screenshot({ path: artifact('kiosk-confirmation.png'), fullPage: true });
	assert.ok(await page.locator('.qr svg').count() === 1, 'QR on the confirmation');
	assert.deepStrictEqual(errors, []);
	await context.close();
});

test('idle reset with terminal "test": dialog, countdown, wipe, nothing left in history', { timeout: 90000 }, async () => {
	const { context, page } = await kioskPage(1920, 1080, 'test');
	await page.goto(server.base + '/kiosk/test');
	await page.screenshot({ path: artifact('kiosk-start-landscape.png') });
	await tapText(page, '.kiosk-paths a:has-text("Hulp en activiteiten in de buurt")');
	await page.locator('#f-q').tap();
	await typeOnScreen(page, 'koffie');
	await page.locator('.osk .osk-key.done').tap();
	await tapText(page, 'button:has-text("Zoeken")');
	await page.waitForURL(/q=koffie/);
	const before = await page.evaluate(() => history.length);
	// 5 s idle, then the dialog with a countdown of at least 20 seconds
	await page.waitForSelector('.idle-dialog[open]', { timeout: 15000 });
	const text = await page.locator('#idle-text').innerText();
	const seconds = parseInt(text.match(/\d+/)[0], 10);
	assert.ok(seconds >= 19, `countdown starts at 20 s (saw ${seconds})`);
	await page.screenshot({ path: artifact('kiosk-idle-dialog.png') });
	// "Ja, ik ga verder" keeps the session
	await page.locator('[data-idle-continue]').tap();
	assert.match(page.url(), /q=koffie/);
	// then nothing: the countdown runs out and the start screen returns
	await page.waitForSelector('.idle-dialog[open]', { timeout: 15000 });
	await page.waitForURL(/\/kiosk\/test\?lang=nl&n=\d+/, { timeout: 40000 });
	await page.waitForSelector('body[data-kiosk-start]');
	// the back button shows nothing of the previous person
	await page.goBack().catch(() => {});
	const back = page.url();
	assert.ok(!/koffie|voorzieningen/.test(back), `back leads to ${back}`);
	await page.goForward().catch(() => {});
	assert.ok(!/koffie|voorzieningen/.test(page.url()), `forward leads to ${page.url()}`);
	const storage = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k !== 'kioskBase').length + localStorage.length);
	assert.strictEqual(storage, 0, 'no storage left');
	assert.ok(before >= 2);
	await context.close();
});

test('Stop button resets at once', async () => {
	const { context, page } = await kioskPage();
	await page.goto(server.base + '/kiosk/demo?lang=ar');
	await page.screenshot({ path: artifact('kiosk-start-ar.png') });
	assert.strictEqual(await page.getAttribute('html', 'dir'), 'rtl');
	await tapText(page, '.kiosk-paths a >> nth=0');
	await page.waitForURL(/zelfcheck/);
	await tapText(page, 'a.choice >> nth=0');
	await page.waitForSelector('a.answer');
	await tapText(page, '.kiosk-stop');
	await page.waitForSelector('body[data-kiosk-start]');
	await page.goBack().catch(() => {});
	assert.ok(!/zelfcheck/.test(page.url()), `back after Stop leads to ${page.url()}`);
	await context.close();
});

async function pagesToCheck(lang) {
	// a booking to have a manage page
	const topics = ['/api/v1/slots?location=ww-roombeek&topic=iets-anders&date='];
	let token = '';
	for (let d = 1; d < 30 && !token; d++) {
		const date = day(d);
		const r = await (await fetch(server.base + topics[0] + date)).json();
		const s = r.slots.find((x) => x.free > 0);
		if (!s) continue;
		const b = await fetch(server.base + '/api/v1/bookings', { method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ location: 'ww-roombeek', start: s.start, topic: 'iets-anders', name: 'Axe', lang }) });
		token = (await b.json()).token;
	}
	// the day after the server's instant: open, with free times to choose
	// (day(3) would be the closed day of 10 December)
	const date = day(1);
	const inLang = (u) => `/${lang}/` + u.slice('/nl/'.length);
	const checks = [await selfcheckUrl('s', '', false), await selfcheckUrl('s'), await selfcheckUrl('c'),
		await selfcheckUrl('s', 'xnwozxzjj'), await selfcheckResultUrl('s', 'xnwozxzjj')].map(inLang);
	return [
		`/${lang}/`, `/${lang}/zelfcheck`, ...checks,
		`/${lang}/voorzieningen`, `/${lang}/voorzieningen?postcode=7511AB&q=koffie`, `/${lang}/voorzieningen?postcode=abc`,
		`/${lang}/voorzieningen/zorgbelang-clientondersteuning`, `/${lang}/voorzieningen/estinea-weekendlogeren`,
		`/${lang}/mantelzorg`, `/${lang}/mantelzorg?waar=thuis`,
		`/${lang}/afspraak`, `/${lang}/afspraak?locatie=ww-centrum`, `/${lang}/afspraak?locatie=ww-centrum&onderwerp=wonen`,
		`/${lang}/afspraak?locatie=ww-centrum&onderwerp=wonen&dag=${date}`,
		`/${lang}/afspraak/${token}`, `/${lang}/afspraak/${token}/annuleren`, `/${lang}/afspraak/${token}/verzetten`,
		`/${lang}/medewerker`, `/${lang}/bestaat-niet`,
	];
}

for (const lang of ['nl', 'ar']) {
	test(`axe-core: no serious or critical violations on every page (${lang}), at home and on the kiosk`, { timeout: 240000 }, async () => {
		const paths = await pagesToCheck(lang);
		const failures = [];
		for (const mode of ['home', 'kiosk']) {
			const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: mode === 'kiosk' });
			const page = await context.newPage();
			if (mode === 'kiosk') await enrol(server, page, 'demo');
			const list = mode === 'kiosk' ? [`/kiosk/demo?lang=${lang}`, ...paths] : paths;
			for (const p of list) {
				await page.goto(server.base + p);
				const v = await axe(page);
				if (v.length) failures.push({ mode, path: p.replace(/afspraak\/[\w-]{43}/, 'afspraak/TOKEN'), v });
			}
			if (lang === 'ar') await page.screenshot({ path: artifact(`rtl-${mode}-last.png`), fullPage: true });
			await context.close();
		}
		assert.deepStrictEqual(failures, [], JSON.stringify(failures, null, 1));
	});
}

test('touch targets on kiosk pages are at least 48 px', { timeout: 120000 }, async () => {
	const { context, page } = await kioskPage();
	await page.goto(server.base + '/kiosk/demo');
	// the kiosk skips the postcode: the first step is the first question
	const paths = ['/kiosk/demo', '/nl/zelfcheck', await selfcheckUrl('s', '', false), '/nl/voorzieningen?postcode=7511',
		'/nl/mantelzorg', '/nl/afspraak?locatie=ww-centrum', '/nl/voorzieningen/zorgbelang-clientondersteuning'];
	let smallest = { size: Infinity };
	for (const p of paths) {
		await page.goto(server.base + p);
		const m = await page.evaluate(() => {
			let min = { size: Infinity };
			document.querySelectorAll('a, button, input, select, summary, label').forEach((el) => {
				const r = el.getBoundingClientRect();
				const style = getComputedStyle(el);
				if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden]')) return;
				if (el.tagName === 'INPUT' && (el.type === 'hidden' || el.type === 'checkbox' || el.type === 'radio')) return;
				if (el.tagName === 'LABEL' && !el.closest('.check, .time-choice')) return;
				const size = Math.min(r.width, r.height);
				if (size < min.size) min = { size, what: el.outerHTML.slice(0, 80) };
			});
			return min;
		});
		if (m.size < smallest.size) smallest = { ...m, path: p };
	}
	console.log(`smallest kiosk touch target: ${smallest.size.toFixed(1)} px (${smallest.path})`);
	assert.ok(smallest.size >= 48, JSON.stringify(smallest));
	await context.close();
});

test('200 % zoom and 320 px: no horizontal scrolling', async () => {
	const context = await browser.newContext({ viewport: { width: 320, height: 800 }, deviceScaleFactor: 2 });
	const page = await context.newPage();
	const question = await selfcheckUrl('s');
	for (const p of ['/nl/', '/ar/', '/nl/voorzieningen?postcode=7511&q=koffie', '/nl/afspraak?locatie=ww-centrum&onderwerp=wonen', question]) {
		await page.goto(server.base + p);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 1, `${p} scrolls sideways by ${overflow}px`);
	}
	await page.goto(server.base + '/ar/voorzieningen?postcode=7511&q=koffie');
	await page.screenshot({ path: artifact('rtl-320-search.png'), fullPage: true });
	await context.close();
});

// No answer, postcode or path in a URL of the self-check.
function plainState(url) {
	const q = new URL(url, server.base).searchParams;
	return ['p', 'a', 'pc', 'q'].some((k) => q.has(k)) || /7522/.test(url);
}

test('self-check: one history entry, the Back link works, the quick exit replaces it', async () => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	// the quick exit leads to a neutral site: answered here, without the network
	await page.route('https://www.buienradar.nl/**', (route) =>
		route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weer</title><p>weer</p>' }));
	await page.goto(server.base + '/nl/');
	await page.locator('a[href="/nl/zelfcheck"]').first().click();
	await page.waitForSelector('a.choice');
	const base = await page.evaluate(() => history.length);
	const urls = [];
	await page.locator('a.choice:has-text("Voor mezelf")').click();
	await page.waitForSelector('#f-pc');
	urls.push(page.url());
	await page.fill('#f-pc', '7522 NB');
	await page.locator('button[type="submit"]:has-text("Verder")').click();
	await page.waitForSelector('text=Vraag 1 van 9');
	for (let i = 1; i < 9; i++) {
		urls.push(page.url());
		await page.locator('a.answer').first().click();
		await page.waitForSelector(`text=Vraag ${i + 1} van 9`);
	}
	urls.push(page.url());
	assert.strictEqual(await page.evaluate(() => history.length), base, 'the whole check is one history entry');
	// the Back link of a question still works, in place
	await page.locator('a:has-text("Vorige vraag")').click();
	await page.waitForSelector('text=Vraag 8 van 9');
	await page.locator('a.answer').first().click();
	await page.waitForSelector('text=Vraag 9 van 9');
	assert.strictEqual(await page.evaluate(() => history.length), base, 'Back and on: still one entry');
	assert.deepStrictEqual(urls.filter(plainState), [], 'no plain state in any URL');
	// the safety question has the quick exit: it replaces that one entry
	await page.locator('[data-quick-exit]').click();
	await page.waitForURL(/buienradar/);
	assert.strictEqual(await page.evaluate(() => history.length), base, 'the quick exit replaces the entry');
	await page.goBack();
	await page.waitForLoadState();
	assert.strictEqual(page.url(), server.base + '/nl/', `back after the quick exit leads to ${page.url()}`);
	assert.deepStrictEqual(errors, []);
	await context.close();
});

test('self-check without JavaScript: plain links and the posted postcode form', async () => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto(server.base + '/nl/zelfcheck');
	await page.locator('a.choice:has-text("Ik zorg voor iemand")').click();
	await page.fill('#f-pc', '7522');
	await page.locator('button[type="submit"]:has-text("Verder")').click();
	await page.waitForSelector('text=Vraag 1 van');
	assert.ok(!plainState(page.url()), `the question URL is sealed: ${page.url()}`);
	const before = await page.evaluate(() => history.length);
	await page.locator('a.answer').first().click();
	await page.waitForSelector('text=Vraag 2 van');
	assert.ok(!plainState(page.url()), `the question URL is sealed: ${page.url()}`);
	await page.locator('a:has-text("Vorige vraag")').click();
	await page.waitForSelector('text=Vraag 1 van');
	// plain links: each step is an entry of its own
	assert.strictEqual(await page.evaluate(() => history.length), before + 2);
	await context.close();
});

test('the accessibility check can fail: a planted image without alt text is found', async () => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(server.base + '/nl/');
	await page.evaluate(() => {
		const img = document.createElement('img');
		img.src = '/static/icon.svg';
		document.querySelector('main').appendChild(img);
		const b = document.createElement('button');
		document.querySelector('main').appendChild(b);
	});
	const v = await axe(page);
	assert.ok(v.some((x) => x.id === 'image-alt') && v.some((x) => x.id === 'button-name'), JSON.stringify(v));
	await context.close();
});
