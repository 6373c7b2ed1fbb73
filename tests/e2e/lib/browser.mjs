// browser.mjs: Debian's Chromium driven by playwright-core for the e2e tests:
// a fresh profile directory per launch (through launchPersistentContext, not
// --user-data-dir), headless, no network beyond this machine.  Console errors
// and page errors are collected so a test can assert there were none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const ARGS = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/* launch: a browser context with its own temporary profile; close() removes it. */
export async function launch({ width = 1280, height = 800, locale = 'pl-PL', timezoneId = 'Europe/Warsaw' } = {}) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kontakt-e2e-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport: { width, height },
		locale,
		timezoneId,
	});
	context.setDefaultTimeout(10000);
	const errors = [];
	const watch = (page) => {
		page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
		page.on('console', (m) => {
			// Expected: the session check of a fresh visit (401) and the field
			// errors a test provokes (422); Chromium logs both as errors.
			if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) errors.push(`console: ${m.text()}`);
		});
	};
	context.pages().forEach(watch);
	context.on('page', watch);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		errors,
		async close() {
			await context.close().catch(() => {});
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/* login: fills the log-in form (found by its labels) and waits for the app. */
export async function login(page, baseUrl, user, password, { labels = ['Login', 'Hasło'] } = {}) {
	await page.goto(baseUrl + '/');
	await page.getByLabel(labels[0]).fill(user);
	await page.getByLabel(labels[1]).fill(password);
	await page.getByRole('button', { name: /Zaloguj|Log in/ }).click();
	await page.getByRole('navigation', { name: /Menu główne|Main menu/ }).waitFor();
}

/* menu: follows the main menu to a page: menu(page, 'Klienci') or, for an
   entry inside a group, menu(page, 'Biuro', 'Kosz') (opens the group first). */
export async function menu(page, ...names) {
	const nav = page.getByRole('navigation', { name: /Menu główne|Main menu/ });
	const link = names.pop();
	for (const g of names) await nav.getByRole('button', { name: new RegExp('^' + g) }).click();
	await nav.getByRole('link', { name: link, exact: true }).click();
}
