// Starts build/wijkwijzer on a free port with a temporary data folder and
// launches Debian's Chromium through playwright-core.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');

// The instant the server starts at (WIJKWIJZER_NOW; its clock runs on from
// there), the same as tests/integration/harness.py uses: a Monday morning
// inside the demo content's validity, with Christmas and a closed day in
// the booking horizon. Tests take their dates from it, never from Date.now().
const NOW = '2026-12-07T09:00:00+01:00';

// The date n days after the instant's day (in Enschede), as YYYY-MM-DD.
function day(n) {
	const d = new Date(NOW.slice(0, 10) + 'T00:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const port = s.address().port;
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

// extra: more arguments for the server (e.g. ['--content', DIR]).
async function startServer(extra = []) {
	const port = await freePort();
	const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-browser-'));
	// with a public address, as a deployment has (kiosks show a QR code
	// only then); here it is the loopback address the browser uses
	const proc = spawn(path.join(ROOT, 'build', 'wijkwijzer'),
		['--port', String(port), '--data', data, '--quiet', '--public-url', `http://127.0.0.1:${port}`, ...extra],
		{ stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WIJKWIJZER_NOW: NOW } });
	let log = '';
	proc.stderr.on('data', (d) => { log += d; });
	const base = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 200; i++) {
		try {
			const r = await fetch(base + '/healthz');
			if (r.ok) break;
		} catch (e) { /* not yet */ }
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		base, port, data, proc, log: () => log,
		async stop() {
			proc.kill('SIGTERM');
			await new Promise((r) => proc.once('exit', r));
			fs.rmSync(data, { recursive: true, force: true });
		},
	};
}

// Enrols the browser of page as a kiosk terminal, as staff do: the
// administrator's one-time link (--enroll-terminal), then the button.
async function enrol(server, page, terminal = 'demo') {
	const link = execFileSync(path.join(ROOT, 'build', 'wijkwijzer'),
		['--data', server.data, '--enroll-terminal', terminal],
		{ env: { ...process.env, WIJKWIJZER_NOW: NOW }, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
	await page.goto(link);
	await Promise.all([page.waitForURL(server.base + '/kiosk/' + terminal), page.click('button[type=submit]')]);
}

/* A staff account made on the command line (as a municipality does),
   then logged in on page: lands on the agenda. */
function addStaff(server, name, password, role = 'medewerker', locations = ['ww-centrum']) {
	const args = ['--data', server.data, '--add-staff', name, '--role', role];
	for (const l of role === 'medewerker' ? locations : []) args.push('--location', l);
	execFileSync(path.join(ROOT, 'build', 'wijkwijzer'), args,
		{ input: password + '\n', env: { ...process.env, WIJKWIJZER_NOW: NOW }, stdio: ['pipe', 'ignore', 'ignore'] });
}

async function staffLogin(server, page, name, password) {
	await page.goto(server.base + '/nl/medewerker');
	await page.fill('#s-name', name);
	await page.fill('#s-pw', password);
	await Promise.all([page.waitForURL(/medewerker\/agenda/), page.click('main form button:has-text("Inloggen")')]);
}

async function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
	});
}

function artifact(name) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	return path.join(ARTIFACTS, name);
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core (WCAG 2.0/2.1 A and AA) and returns serious and critical violations.
async function axe(page) {
	await page.addScriptTag({ content: AXE }).catch(async () => {
		// the strict CSP forbids inline script: evaluate instead
		await page.evaluate(AXE);
	});
	const result = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
	});
	return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// One server and one browser for a test file: started before its first
// test, stopped after its last; ready(server, browser) hands them over;
// extra: more arguments for the server.
function useServerAndBrowser(test, ready, extra = []) {
	let server, browser;
	test.before(async () => {
		server = await startServer(typeof extra === 'function' ? extra() : extra);
		browser = await launch();
		await ready(server, browser);
	});
	test.after(async () => {
		if (browser) await browser.close();
		if (server) await server.stop();
	});
}

module.exports = { startServer, launch, enrol, addStaff, staffLogin, artifact, axe, useServerAndBrowser, ROOT, NOW, day };
