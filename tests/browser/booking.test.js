// Browser tests of booking and moving (issue 14, points 6, 7 and the
// staff and check-in parts of 2 and 8): book, switch language keeping what
// was typed, move with the booking's own picker, cancel, on a phone
// (390x844) and a desktop (1280x800), in Dutch and Arabic; and checking in
// on the kiosk (1080x1920, enrolled, touch) while a staff agenda shows
// "Aangemeld" live. Screenshots in tests/artifacts/booking-*.png; axe-core
// on every page.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { enrol, addStaff, staffLogin, artifact, axe, ROOT, NOW, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
});

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const KIOSK = { width: 1080, height: 1920 };
const OTHER = { nl: 'ar', ar: 'nl' };

async function noAxe(page, what) {
	const v = await axe(page);
	assert.deepStrictEqual(v, [], `${what}: axe ${JSON.stringify(v)}`);
}

// The footer's "Bel de wijkwijzer" link: there, tappable, a tel: link.
async function footerCall(page, what, kiosk = false) {
	const call = page.locator('.site-footer .footer-call');
	await call.waitFor();
	const text = await call.textContent();
	assert.match(text, /053 000 7379/, `${what}: the number in the footer`);
	assert.match(text, /8\.30/, `${what}: the hours in the footer`);
	const links = await page.locator('.site-footer a[href^="tel:"]').count();
	assert.strictEqual(links, kiosk ? 0 : 1, `${what}: tel: link (not on a kiosk)`);
	if (!kiosk) {
		const box = await page.locator('.site-footer a[href^="tel:"]').boundingBox();
		assert.ok(box.height >= 20, `${what}: the tel: link is big enough to tap (${box.height})`);
	}
}

for (const [form, viewport] of Object.entries({ ...VIEWPORTS, kiosk: KIOSK })) {
	for (const lang of ['nl', 'ar']) {
		test(`book, switch language, move, cancel: ${form} ${lang}`, async () => {
			const kiosk = form === 'kiosk';
			const context = await browser.newContext({ viewport, hasTouch: form !== 'desktop', isMobile: form === 'phone' });
			const page = await context.newPage();
			if (kiosk) await enrol(server, page, 'demo');
			const errors = [];
			page.on('pageerror', (e) => errors.push(e.message));
			const shot = (name) => page.screenshot({ path: artifact(`booking-${name}-${form}-${lang}.png`), fullPage: true });
			// the day and time picker
			const location = { phone: 'ww-zuid', desktop: 'ww-west', kiosk: 'ww-centrum' }[form];
			await page.goto(`${server.base}/${lang}/afspraak?locatie=${location}&onderwerp=wonen`);
			await footerCall(page, 'booking step 3', kiosk);
			await page.locator('.day-list a.choice').first().click();
			await page.locator('.time-choice label').first().click();
			await Promise.all([page.waitForNavigation(), page.locator('form[data-live-location] button[type=submit]').click()]);
			// the details: the interpreter's language only when asked for
			const tolktaal = page.locator('#f-tolktaal');
			assert.strictEqual(await tolktaal.isVisible(), false, '"In welke taal?" hidden until an interpreter is asked for');
			await page.locator('label[for="n-tolk"]').click();
			assert.strictEqual(await tolktaal.isVisible(), true, '"In welke taal?" shown with the interpreter');
			await tolktaal.selectOption('tr');
			const name = lang === 'ar' ? 'سميرة' : 'Marieke';
			await page.fill('#f-naam', name);
			const digits = { phone: '1', desktop: '2', kiosk: '3' }[form] + (lang === 'nl' ? '001' : '002');
			await page.fill('#f-telefoon', '06 3000 ' + digits);
			await noAxe(page, 'details');
			await shot('details');
			// switching language keeps what was typed, and nothing of it in the URL
			await Promise.all([page.waitForNavigation(), page.locator(`.lang-switch a[lang="${OTHER[lang]}"]`).click()]);
			assert.strictEqual(await page.getAttribute('html', 'lang'), OTHER[lang], 'the other language');
			assert.strictEqual(await page.inputValue('#f-naam'), name, 'the name kept across the switch');
			assert.ok(!page.url().includes(encodeURIComponent(name)) && !page.url().includes('3000'), `nothing typed in the URL: ${page.url()}`);
			assert.strictEqual(await page.locator('#n-tolk').isChecked(), true, 'the interpreter box kept');
			assert.strictEqual(await tolktaal.inputValue(), 'tr', 'the interpreter language kept');
			assert.strictEqual(await tolktaal.isVisible(), true, 'and shown');
			await shot('switched');
			// back to the language of the test, then on
			await Promise.all([page.waitForNavigation(), page.locator(`.lang-switch a[lang="${lang}"]`).click()]);
			assert.strictEqual(await page.inputValue('#f-naam'), name, 'kept on the way back too');
			await Promise.all([page.waitForNavigation(), page.locator('form[data-lang-keep] > p > button[type=submit]').click()]);
			await Promise.all([page.waitForNavigation(), page.locator('form[action$="/afspraak/bevestigen"] button[type=submit]').click()]);
			assert.match(page.url(), /\/afspraak\/[A-Za-z0-9_-]{43}\?nieuw=1$/, 'confirmed');
			// a phone gets the link and the calendar, a desktop the QR code
			const onPhone = await page.locator('.on-phone').isVisible();
			const qr = await page.locator('.ticket .qr').isVisible();
			assert.strictEqual(onPhone, form === 'phone', `the link and "Zet in uw agenda" on a phone only (${onPhone})`);
			assert.strictEqual(qr, form !== 'phone', `the QR code on a desktop only (${qr})`);
			if (form === 'phone') {
				const ics = page.locator('.on-phone a[href$="/afspraak.ics"]');
				assert.ok((await ics.boundingBox()).height >= 44, 'the calendar button is a real button');
			}
			await footerCall(page, 'confirmation', kiosk);
			await noAxe(page, 'confirmation');
			await shot('confirmed');
			const token = page.url().match(/afspraak\/([A-Za-z0-9_-]{43})/)[1];
			// move: the same picker, to another week and another place
			await Promise.all([page.waitForNavigation(), page.locator(`a[href$="/afspraak/${token}/verzetten"]`).click()]);
			assert.ok(await page.locator('.day-list').isVisible(), 'the day picker on the move page');
			const radios = await page.locator('input[name="tijd"]').count();
			assert.ok(radios > 0 && radios < 23, `one day's times, not a flat list (${radios})`);
			await noAxe(page, 'move');
			await shot('move');
			await page.locator('.move-places summary').click();
			await Promise.all([page.waitForNavigation(), page.locator('.place-switch a').filter({ hasNotText: 'West' }).filter({ hasNotText: 'Zuid' }).first().click()]);
			const place = await page.locator('.place-switch a[aria-current="page"]').evaluate((a) => a.textContent);
			assert.ok((await page.locator('.move-place-now').textContent()).includes(place.trim()), 'the place shown is named');
			await Promise.all([page.waitForNavigation(), page.locator('.week-nav a').last().click()]);
			assert.match(page.url(), /week=/, 'another week');
			await Promise.all([page.waitForNavigation(), page.locator('.day-list a.choice').first().click()]);
			await page.locator('.time-choice label').first().click();
			await Promise.all([page.waitForNavigation(), page.locator('form[data-live-location] button[type=submit]').click()]);
			assert.match(page.url(), /\?verzet=1$/, 'moved');
			const moved = page.locator('.moved-notice');
			assert.ok(await moved.isVisible(), 'the moved notice');
			assert.strictEqual(await moved.locator('a[href$="/afspraak.ics"]').count(), kiosk ? 0 : 1,
				'with the calendar file to update (not on a kiosk)');
			assert.ok((await page.locator('.ticket .facts').textContent()).includes(place.trim()), `at the new place ${place}`);
			await noAxe(page, 'moved');
			await shot('moved');
			// cancel: the page then says so, without the ticket
			await Promise.all([page.waitForNavigation(), page.locator(`a[href$="/afspraak/${token}/annuleren"]`).click()]);
			await Promise.all([page.waitForNavigation(), page.locator('form[action$="/annuleren"] button[type=submit]').click()]);
			assert.ok(await page.locator('.cancelled-notice h1').isVisible(), 'the cancelled heading');
			assert.strictEqual(await page.locator('.ticket').count(), 0, 'no ticket');
			assert.strictEqual(await page.locator('a[href$="/verzetten"]').count(), 0, 'no move link');
			await noAxe(page, 'cancelled');
			await shot('cancelled');
			// find it again with the code and the last four digits (at home:
			// the tries count per client address, 10 in 15 minutes, and
			// every browser here is 127.0.0.1)
			if (kiosk) {
				assert.deepStrictEqual(errors, []);
				await context.close();
				return;
			}
			const ref = (await page.locator('.reference').textContent()).trim();
			await page.goto(`${server.base}/${lang}/afspraak/terugvinden`);
			await page.fill('#f-code', ref);
			await page.fill('#f-bewijs', '9999');
			await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').click()]);
			assert.ok(await page.locator('.error-summary').isVisible(), 'wrong digits: the error');
			assert.strictEqual(await page.inputValue('#f-code'), ref, 'the code kept');
			await noAxe(page, 'find again, wrong');
			await shot('find-wrong');
			await page.fill('#f-bewijs', digits);
			await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').click()]);
			assert.match(page.url(), /\/afspraak\/[A-Za-z0-9_-]{43}$/, `found again: ${page.url()}`);
			assert.ok(await page.locator('.cancelled-notice').isVisible(), 'found: and it says it is cancelled');
			assert.deepStrictEqual(errors, []);
			await context.close();
		});
	}
}

// An appointment today at ww-centrum (no form can book today: the notice
// hours), made through the API and moved in the database: its reference.
async function bookingToday(hhmm, name) {
	let free;
	for (let n = 1; n < 30 && !free; n++) {
		const d = new Date(NOW.slice(0, 10) + 'T00:00:00Z');
		d.setUTCDate(d.getUTCDate() + n);
		const r = await (await fetch(`${server.base}/api/v1/slots?location=ww-centrum&date=${d.toISOString().slice(0, 10)}&topic=iets-anders`)).json();
		free = r.slots.find((s) => s.free > 0);
	}
	const b = await (await fetch(`${server.base}/api/v1/bookings`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ location: 'ww-centrum', start: free.start, topic: 'iets-anders', name, lang: 'nl' }),
	})).json();
	const today = NOW.slice(0, 10);
	execFileSync('sqlite3', [path.join(server.data, 'wijkwijzer.db'),
		`PRAGMA busy_timeout = 5000; UPDATE booking SET start = '${today}T${hhmm}', end = '${today}T${hhmm.slice(0, 3)}59' WHERE reference = '${b.reference.replace('-', '')}';`]);
	return b;
}

async function staffAgenda(lang) {
	addStaff(server, 'balie.' + lang, 'wachtwoord-voor-de-test');
	const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
	const page = await context.newPage();
	await staffLogin(server, page, 'balie.' + lang, 'wachtwoord-voor-de-test');
	await page.goto(`${server.base}/${lang}/medewerker/agenda?dag=${NOW.slice(0, 10)}`);
	return { context, page };
}

for (const lang of ['nl', 'ar']) {
	test(`kiosk check-in with the scanner or the code, the agenda shows "Aangemeld" live: ${lang}`, async () => {
		const b = await bookingToday(lang === 'nl' ? '11:00' : '11:30', lang === 'nl' ? 'Scanner' : 'Getypt');
		const staff = await staffAgenda(lang);
		assert.strictEqual(await staff.page.getAttribute('html', 'lang'), lang, `the agenda in ${lang}`);
		const row = staff.page.locator('#agenda-rows tr', { hasText: lang === 'nl' ? 'Scanner' : 'Getypt' });
		assert.strictEqual(await row.getAttribute('data-status'), 'confirmed', 'expected before');
		const expected = (await row.locator('.agenda-status').textContent()).trim();
		if (lang === 'nl') assert.strictEqual(expected, 'Verwacht');
		await noAxe(staff.page, 'agenda');
		// block with confirmation, listed with an undo
		await staff.page.selectOption('#b-what', { index: 2 });
		await Promise.all([staff.page.waitForNavigation(), staff.page.locator('form[action$="/medewerker/blokkeren"] button[type=submit]').first().click()]);
		assert.strictEqual(await staff.page.locator('input[name="bevestigd"][value="ja"]').count(), 1, 'blocking asks first');
		if (lang === 'nl') assert.match(await staff.page.locator('h1').textContent(), /Weet u het zeker/);
		await noAxe(staff.page, 'block confirmation');
		await staff.page.screenshot({ path: artifact(`booking-block-confirm-${lang}.png`), fullPage: true });
		await Promise.all([staff.page.waitForNavigation(), staff.page.locator('form[action$="/medewerker/blokkeren"] button[type=submit]').first().click()]);
		assert.strictEqual(await staff.page.locator('.blocks-list li').count(), 1, 'the block is listed');

		const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
		const page = await context.newPage();
		await enrol(server, page, 'demo');
		await page.goto(`${server.base}/kiosk/demo?lang=${lang}`);
		await page.locator('a[href$="/aanmelden"]').first().tap();
		await page.waitForURL(/\/aanmelden$/);
		const field = page.locator('#f-aanmeldcode');
		assert.ok(await field.evaluate((el) => el === document.activeElement), 'the field has the focus for the scanner');
		await noAxe(page, 'check-in');
		await page.screenshot({ path: artifact(`booking-checkin-form-kiosk-${lang}.png`) });
		if (lang === 'nl') {
			// a USB barcode scanner types the QR code's link, then Enter
			await page.keyboard.type(`${server.base}/nl/afspraak/${b.token}`);
			await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		} else {
			// the code typed on the on-screen keyboard
			await field.tap();
			await page.locator('.osk').waitFor();
			for (const ch of b.reference.replace('-', '')) {
				const key = page.locator('.osk .osk-key', { hasText: new RegExp(`^${ch}$`, 'i') }).first();
				await key.tap();
			}
			assert.strictEqual((await field.inputValue()).toUpperCase(), b.reference.replace('-', ''));
			await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').tap()]);
		}
		const done = page.locator('.check-in-done h1');
		await done.waitFor();
		const size = await done.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		assert.ok(size >= 36, `"U bent aangemeld" is big on the kiosk (${size}px)`);
		await footerCall(page, 'kiosk', true);
		await noAxe(page, 'checked in');
		await page.screenshot({ path: artifact(`booking-checkin-done-kiosk-${lang}.png`) });
		// the agenda, without a reload
		await staff.page.waitForFunction((name) => {
			const tr = [...document.querySelectorAll('#agenda-rows tr')].find((r) => r.textContent.includes(name));
			return tr && tr.dataset.status === 'checked_in';
		}, lang === 'nl' ? 'Scanner' : 'Getypt', { timeout: 10000 });
		const now = (await row.locator('.agenda-status').textContent()).trim();
		assert.notStrictEqual(now, expected, `the status changed live: ${now}`);
		if (lang === 'nl') assert.strictEqual(now, 'Aangemeld', '"Aangemeld" live in the agenda');
		assert.ok(await row.evaluate((tr) => tr.classList.contains('live-changed')), 'the changed row is marked');
		assert.ok(await staff.page.locator('.live-status').isVisible(), 'the agenda says it was updated');
		await noAxe(staff.page, 'agenda, live');
		await staff.page.screenshot({ path: artifact(`booking-agenda-live-${lang}.png`), fullPage: true });
		// undo the block
		await Promise.all([staff.page.waitForNavigation(), staff.page.locator('.blocks-list button').first().click()]);
		assert.strictEqual(await staff.page.locator('.blocks-list li').count(), 0, 'undone');
		await context.close();
		await staff.context.close();
	});
}
