// The call-back inbox (issue 15): a resident asks "Bel mij terug" on a
// phone-size page; the inbox of the wijkwijzer's staff, open beside it,
// shows the request live and announces it; staff mark it "Afgehandeld".
// axe-core on the form, the answer and the inbox; screenshots in
// tests/artifacts/.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { artifact, axe, addStaff, staffLogin, useServerAndBrowser } = require('./harness');

let server, browser;
useServerAndBrowser(test, (s, b) => { server = s; browser = b; });

async function staffPage(name, password) {
	addStaff(server, name, password, 'medewerker', ['ww-centrum']);
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await staffLogin(server, page, name, password);
	return { context, page };
}

test('a resident asks to be called back; the inbox shows it live; staff handle it', { timeout: 90000 }, async () => {
	const { context: staffContext, page: staff } = await staffPage('terugbel-team', 'terugbel-wachtwoord-browser');
	assert.match(await staff.locator('#callbacks-link').innerText(), /Terugbelverzoeken \(0 open\)/);
	await Promise.all([staff.waitForURL(/medewerker\/terugbellen/), staff.click('#callbacks-link a')]);
	await staff.waitForFunction(() => document.querySelector('[data-live-callbacks]').dataset.ready === '1', null,
		{ timeout: 10000 });
	assert.match(await staff.locator('#callbacks-open').innerText(), /Er zijn geen verzoeken/);
	const errors = [];
	staff.on('pageerror', (e) => errors.push(String(e)));

	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
	const page = await context.newPage();
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto(server.base + '/nl/');
	await Promise.all([page.waitForURL(/\/nl\/terugbellen/), page.click('.callback-offer a')]);
	await page.screenshot({ path: artifact('callback-form-390.png'), fullPage: true });
	assert.deepStrictEqual(await axe(page), [], 'the form passes axe');
	// a missing phone comes back with the summary, focus on it
	await page.selectOption('#cb-locatie', 'ww-centrum');
	await page.fill('#cb-naam', 'Bep Browser');
	await page.click('main form button[type=submit]');
	await page.waitForSelector('.error-summary');
	assert.match(await page.title(), /^Fout:/);
	assert.match(await page.locator('.error-summary').innerText(), /Vul uw telefoonnummer in/);
	await page.screenshot({ path: artifact('callback-form-error-390.png'), fullPage: true });
	assert.deepStrictEqual(await axe(page), [], 'the form with its errors passes axe');
	await page.fill('#cb-telefoon', '06 12345678');
	await page.check('#cb-dagdeel-2');
	await page.click('main form button[type=submit]');
	await page.waitForSelector('main h1:has-text("Dank u wel")');
	assert.match(await page.locator('main .lead').innerText(),
		/We bellen u uiterlijk woensdag 9 december, 17\.00 uur terug\./);
	await page.screenshot({ path: artifact('callback-done-390.png'), fullPage: true });
	assert.deepStrictEqual(await axe(page), [], 'the answer passes axe');

	// the inbox, open all along, shows it without a reload and says so
	await staff.waitForSelector('#callbacks-open li.callback h3:has-text("Bep Browser")', { timeout: 10000 });
	await staff.waitForFunction(() => /Nieuw terugbelverzoek/.test(document.querySelector('[data-live-callbacks]').textContent));
	const item = staff.locator('#callbacks-open li.callback', { hasText: 'Bep Browser' });
	assert.strictEqual(await item.locator('a[href^="tel:"]').getAttribute('href'), 'tel:0612345678');
	assert.match(await item.innerText(), /uiterlijk woensdag 9 december, 17\.00 uur/);
	assert.match(await item.innerText(), /'s middags/);
	await staff.screenshot({ path: artifact('callback-inbox-1280.png'), fullPage: true });
	assert.deepStrictEqual(await axe(staff), [], 'the inbox passes axe');
	await staff.setViewportSize({ width: 390, height: 844 });
	await staff.screenshot({ path: artifact('callback-inbox-390.png'), fullPage: true });
	assert.deepStrictEqual(await axe(staff), [], 'the inbox on a phone passes axe');

	await item.locator('input[name=notitie]').fill('Teruggebeld, komt donderdag langs');
	await Promise.all([staff.waitForURL(/medewerker\/terugbellen\?locatie=ww-centrum$/),
		item.locator('button[value=done]').click()]);
	assert.match(await staff.locator('#callbacks-open').innerText(), /Er zijn geen verzoeken/);
	const done = await staff.locator('#callbacks-handled').innerText();
	assert.match(done, /Bep Browser/);
	assert.match(done, /Teruggebeld, komt donderdag langs/);
	await staff.screenshot({ path: artifact('callback-inbox-handled-390.png'), fullPage: true });
	assert.deepStrictEqual(await axe(staff), [], 'the inbox with a handled request passes axe');
	await staff.goto(server.base + '/nl/medewerker/agenda');
	assert.match(await staff.locator('#callbacks-link').innerText(), /Terugbelverzoeken \(0 open\)/);
	assert.deepStrictEqual(errors, []);
	await context.close();
	await staffContext.close();
});

test('on the kiosk: "Bel mij terug" by touch, its own wijkwijzer chosen, typed on the on-screen keyboard; Stoppen keeps nothing', { timeout: 90000 }, async () => {
	const { enrol } = require('./harness');
	const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await enrol(server, page, 'demo');
	await page.goto(server.base + '/kiosk/demo');
	const offer = page.locator('main a[href*="/terugbellen"]').first();
	assert.ok(await offer.isVisible(), 'offered on the kiosk start screen');
	const box = await offer.boundingBox();
	assert.ok(box.height >= 64, `a large target: ${box.height} px`);
	await Promise.all([page.waitForURL(/\/terugbellen/), offer.tap()]);
	assert.strictEqual(await page.inputValue('#cb-locatie'), 'ww-centrum', "the terminal's own wijkwijzer is chosen");
	assert.strictEqual(await page.locator('main a[href^="tel:"]').count(), 0, 'no tel: links on a kiosk');
	await page.locator('#cb-naam').tap();
	for (const ch of 'Kees') {
		const key = page.locator('.osk .osk-key', { hasText: new RegExp('^' + ch + '$', 'i') }).first();
		await key.tap();
	}
	await page.locator('#cb-telefoon').tap();
	for (const ch of '0612345678') await page.locator('.osk .osk-key', { hasText: new RegExp('^' + ch + '$') }).first().tap();
	assert.strictEqual(await page.inputValue('#cb-telefoon'), '0612345678', 'typed on the on-screen keyboard');
	await page.locator('.osk .done').tap();
	await page.screenshot({ path: artifact('callback-kiosk-form.png') });
	assert.deepStrictEqual(await axe(page), [], 'the kiosk form passes axe');
	await Promise.all([page.waitForSelector('main h1:has-text("Dank u wel")'), page.locator('main form button[type=submit]').tap()]);
	assert.match(await page.locator('main .lead').innerText(), /We bellen u uiterlijk/);
	await page.screenshot({ path: artifact('callback-kiosk-done.png') });
	// Stoppen: back to the start, nothing of the request in the browser
	await Promise.all([page.waitForURL(/\/kiosk\/demo/), page.locator('.kiosk-bar a:has-text("Stoppen"), .kiosk-bar button:has-text("Stoppen")').first().tap()]);
	const kept = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.body.innerText);
	assert.ok(!/0612345678|Kees/.test(kept), 'nothing of the request stays on the terminal');
	assert.deepStrictEqual(errors, []);
	await context.close();
});
