// Browser tests of the editor of the sociale kaart: a beheerder opens the
// editor, a service, saves a bad web address (the error summary takes the
// focus and links to the field), fixes it, publishes and sees the notice;
// the public page then shows the change. axe-core on the overview, the
// entry (with and without errors) and the six-month list; screenshots at
// phone and desktop size. Publishing rewrites the content database, so
// the server runs on a copy of build/content.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { addStaff, staffLogin, artifact, axe, useServerAndBrowser, ROOT } = require('./harness');

let server, browser, content;

useServerAndBrowser(test, async (s, b) => {
	server = s;
	browser = b;
	addStaff(server, 'inhoud.beheer', 'beheerder-wachtwoord-inhoud', 'beheerder');
}, () => {
	content = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-browser-content-'));
	fs.cpSync(path.join(ROOT, 'build', 'content'), content, { recursive: true });
	return ['--content', content];
});

test.after(() => {
	if (content) fs.rmSync(content, { recursive: true, force: true });
});

const SIZES = [['desktop', 1280, 800], ['phone', 390, 844]];
const SERVICE = 'hod-begeleiding';

async function noAxe(page, what) {
	assert.deepStrictEqual(await axe(page), [], `axe on ${what}`);
}

for (const [size, width, height] of SIZES) {
	test(`${size}: a beheerder edits a service, is stopped at a bad web address, fixes it and publishes`, { timeout: 120000 }, async () => {
		const context = await browser.newContext({ viewport: { width, height } });
		const page = await context.newPage();
		await staffLogin(server, page, 'inhoud.beheer', 'beheerder-wachtwoord-inhoud');

		// the overview, from the staff navigation
		await Promise.all([page.waitForURL(/\/nl\/medewerker\/inhoud$/), page.click('.staff-nav a:has-text("Sociale kaart")')]);
		assert.match(await page.locator('h1').innerText(), /Sociale kaart bijwerken/);
		assert.match(await page.locator('main').innerText(), /Er zijn geen concepten/);
		await noAxe(page, 'the overview');
		await page.screenshot({ path: artifact(`content-overview-${size}.png`), fullPage: true });

		// the six-month list
		await Promise.all([page.waitForURL(/inhoud\/controleren$/), page.click('main a[href$="/inhoud/controleren"]')]);
		assert.match(await page.locator('h1').innerText(), /Niet gecontroleerd in een half jaar/);
		assert.ok(await page.locator('table.agenda tbody tr').count() > 0, 'the list has entries');
		await noAxe(page, 'the six-month list');
		await page.screenshot({ path: artifact(`content-unchecked-${size}.png`), fullPage: true });

		// the organisation, then its service
		await page.goto(server.base + '/nl/medewerker/inhoud');
		await Promise.all([page.waitForURL(/organisatie\/humanitas-onder-dak$/), page.click('main a:has-text("Humanitas Onder Dak")')]);
		await Promise.all([page.waitForURL(new RegExp(`voorziening/${SERVICE}$`)), page.click(`main a[href$="/voorziening/${SERVICE}"]`)]);
		assert.match(await page.locator('h1').innerText(), /Begeleiding bij wonen en geld/);
		await noAxe(page, 'the entry');
		await page.screenshot({ path: artifact(`content-entry-${size}.png`), fullPage: true });

		// a web address without https://: refused, the summary has the focus
		const form = page.locator('#deel-service');
		const text = `Uitleg uit de browsertest (${size}): wij helpen u met wonen en geld.`;
		await page.fill('#service-description', text);
		await page.fill('#service-url', 'www.x.nl');
		const [resp] = await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
		assert.strictEqual(resp.status(), 422);
		assert.match(await page.title(), /^Fout: /);
		const summary = page.locator('.error-summary');
		assert.ok(await summary.isVisible(), 'the error summary is shown');
		assert.ok(await page.evaluate(() => document.activeElement.classList.contains('error-summary')),
			'the summary has the focus');
		assert.match(await page.locator('#service-url-error').innerText(), /https:\/\//);
		assert.strictEqual(await page.inputValue('#service-url'), 'www.x.nl', 'what was typed stays');
		assert.strictEqual(await page.inputValue('#service-description'), text, 'the other fields stay');
		assert.strictEqual(await page.getAttribute('#service-url', 'aria-invalid'), 'true');
		assert.match(await page.getAttribute('#service-url', 'aria-describedby'), /service-url-error/);
		await noAxe(page, 'the entry with an error');
		await page.screenshot({ path: artifact(`content-entry-error-${size}.png`), fullPage: true });
		// the summary's link leads to the field
		await summary.locator('a[href="#service-url"]').click();
		assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.id === 'service-url'),
			'the link puts the focus on the field');
		assert.ok(await page.locator('#service-url').isVisible());

		// fixed: saved as a draft
		await page.fill('#service-url', 'https://humanitas-onder-dak.voorbeeld.nl/begeleiding');
		await Promise.all([page.waitForURL(/opgeslagen=service/), page.locator('#deel-service button[type=submit]').click()]);
		assert.match(await page.locator('main').innerText(), /Opgeslagen als concept/);
		assert.match(await page.locator('#deel-service-title').locator('xpath=..').innerText(), /concept/);
		await noAxe(page, 'the entry with a draft');

		// residents see nothing yet
		const pub = await context.newPage();
		await pub.goto(`${server.base}/nl/voorzieningen/${SERVICE}`);
		assert.ok(!(await pub.locator('main').innerText()).includes(text), 'not public before publishing');

		// publish from the overview
		await page.goto(server.base + '/nl/medewerker/inhoud');
		assert.match(await page.locator('table.agenda').innerText(), /Begeleiding bij wonen en geld/);
		await Promise.all([page.waitForURL(/gepubliceerd=1/), page.click('main button:has-text("Alles publiceren")')]);
		assert.match(await page.locator('[role=status]').innerText(), /1 wijziging is gepubliceerd/);
		await noAxe(page, 'the overview after publishing');
		await page.screenshot({ path: artifact(`content-published-${size}.png`), fullPage: true });

		await pub.reload();
		assert.ok((await pub.locator('main').innerText()).includes(text), 'public after publishing');
		await pub.screenshot({ path: artifact(`content-public-${size}.png`) });
		await context.close();
	});
}
