// Browser tests of the back office: a beheerder (made on the command line)
// makes a medewerker's account in the browser, the medewerker logs in in
// another browser and changes their password, the beheerder turns the
// account off (the medewerker's next click lands on the login) and reads
// the audit trail, filtered. Keyboard only for the login; axe-core on every
// page; screenshots at phone and desktop size in nl and ar.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { addStaff, staffLogin, artifact, axe, useServerAndBrowser } = require('./harness');

let server, browser;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
	addStaff(server, 'j.devries', 'beheerder-wachtwoord-1', 'beheerder');
});

const SIZES = [['phone', 390, 844], ['desktop', 1280, 800]];

async function noAxe(page, what) {
	assert.deepStrictEqual(await axe(page), [], `axe on ${what}`);
}

test('a beheerder makes an account in the browser; it logs in, changes its password, is turned off; the trail shows it all', { timeout: 120000 }, async () => {
	const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const a = await admin.newPage();
	// the login by keyboard only
	await a.goto(server.base + '/nl/medewerker');
	await a.keyboard.press('Tab'); // the skip link first
	await a.focus('#s-name');
	await a.keyboard.type('j.devries');
	await a.keyboard.press('Tab');
	await a.keyboard.type('beheerder-wachtwoord-1');
	await Promise.all([a.waitForURL(/medewerker\/agenda/), a.keyboard.press('Enter')]);
	assert.match(await a.locator('.staff-who').innerText(), /Ingelogd als j\.devries \(beheerder\)/);
	await noAxe(a, 'the agenda of a beheerder');

	await a.click('.staff-nav a:has-text("Accounts")');
	await a.waitForURL(/medewerker\/accounts$/);
	await noAxe(a, 'the accounts page');
	// a refusal first: two different passwords
	await a.fill('#a-name', 'f.yilmaz');
	await a.check('#a-role-medewerker');
	await a.check('#a-loc-ww-noord');
	await a.fill('#a-pw', 'eerste-wachtwoord-1');
	await a.fill('#a-pw2', 'eerste-wachtwoord-2');
	await Promise.all([a.waitForNavigation(), a.click('button:has-text("Account maken")')]);
	assert.match(await a.locator('[role=alert]').innerText(), /niet gelijk/);
	assert.match(await a.title(), /^Fout:/);
	assert.strictEqual(await a.inputValue('#a-name'), 'f.yilmaz', 'the name stays');
	await noAxe(a, 'the refused form');
	await a.check('#a-loc-ww-noord');
	await a.fill('#a-pw', 'eerste-wachtwoord-1');
	await a.fill('#a-pw2', 'eerste-wachtwoord-1');
	await Promise.all([a.waitForNavigation(), a.click('button:has-text("Account maken")')]);
	assert.match(await a.locator('[role=status]').innerText(), /Het account f\.yilmaz is gemaakt/);
	const row = a.locator('table.agenda tbody tr', { hasText: 'f.yilmaz' });
	assert.match(await row.innerText(), /Wijkwijzer Noord/);
	await a.screenshot({ path: artifact('staff-accounts-nl-desktop.png'), fullPage: true });

	// the medewerker in another browser: the agenda of Noord, the password changed
	const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const m = await other.newPage();
	await staffLogin(server, m, 'f.yilmaz', 'eerste-wachtwoord-1');
	assert.match(await m.locator('h1').innerText(), /Wijkwijzer Noord/);
	assert.strictEqual(await m.locator('.staff-nav a:has-text("Logboek")').count(), 0, 'no trail for a medewerker');
	await m.click('.staff-nav a:has-text("Wachtwoord wijzigen")');
	await m.fill('#p-old', 'eerste-wachtwoord-1');
	await m.fill('#p-new', 'mijn-eigen-wachtwoord');
	await m.fill('#p-again', 'mijn-eigen-wachtwoord');
	await Promise.all([m.waitForNavigation(), m.click('main form button:has-text("Wachtwoord opslaan")')]);
	assert.match(await m.locator('[role=status]').innerText(), /Uw wachtwoord is gewijzigd/);
	await noAxe(m, 'the password page');
	await m.screenshot({ path: artifact('staff-password-nl-phone.png'), fullPage: true });

	// turned off by the beheerder: the medewerker's next click is the login
	await a.click('table.agenda a:has-text("Wijzigen") >> nth=0');
	if (!(await a.locator('h1').innerText()).includes('f.yilmaz'))
		await a.goto(await row.locator('a').getAttribute('href').then((h) => server.base + h));
	assert.match(await a.locator('h1').innerText(), /Account f\.yilmaz/);
	await noAxe(a, 'an account page');
	await a.uncheck('#a-active');
	await Promise.all([a.waitForNavigation(), a.click('button:has-text("Wijzigingen opslaan")')]);
	assert.match(await a.locator('[role=status]').innerText(), /opgeslagen/);
	await m.click('.staff-nav a:has-text("Agenda")');
	await m.waitForURL(/\/nl\/medewerker$/);
	assert.ok(await m.locator('#s-name').isVisible(), 'logged out at once');

	// the trail, filtered by the account
	await a.click('.staff-nav a:has-text("Logboek")');
	await a.fill('#l-who', 'f.yilmaz');
	await Promise.all([a.waitForNavigation(), a.click('form.audit-filter button')]);
	const what = await a.locator('table.agenda tbody tr td:nth-child(3)').allInnerTexts();
	assert.ok(what.includes('Ingelogd') && what.includes('Agenda bekeken') && what.includes('Wachtwoord ingesteld'),
		`the medewerker's actions: ${what}`);
	const who = await a.locator('table.agenda tbody tr td:nth-child(2)').allInnerTexts();
	assert.ok(who.every((w) => w === 'f.yilmaz'), `only that account: ${who}`);
	await noAxe(a, 'the audit trail');
	await a.screenshot({ path: artifact('staff-audit-nl-desktop.png'), fullPage: true });
	await admin.close();
	await other.close();
});

for (const lang of ['nl', 'ar']) {
	for (const [name, width, height] of SIZES) {
		test(`the staff pages at ${name} size in ${lang}: the bar fits, nothing overflows, axe finds nothing`, { timeout: 60000 }, async () => {
			const context = await browser.newContext({ viewport: { width, height } });
			const page = await context.newPage();
			await staffLogin(server, page, 'j.devries', 'beheerder-wachtwoord-1');
			for (const [slug, path] of [['agenda', '/medewerker/agenda'], ['accounts', '/medewerker/accounts'],
				['audit', '/medewerker/logboek'], ['password', '/medewerker/wachtwoord']]) {
				await page.goto(`${server.base}/${lang}${path}`);
				assert.strictEqual(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
				const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
				assert.ok(overflow <= 0, `${slug}: no sideways scrolling (${overflow} px)`);
				const current = await page.locator('.staff-nav [aria-current=page]').count();
				assert.strictEqual(current, 1, `${slug}: the bar marks where one is`);
				await noAxe(page, `${slug} ${lang} ${name}`);
				await page.screenshot({ path: artifact(`staff-${slug}-${lang}-${name}.png`), fullPage: true });
			}
			await context.close();
		});
	}
}
