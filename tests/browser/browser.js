// Headless Chromium (Debian's) through playwright-core, and what every
// browser test checks on its pages: no Content-Security-Policy violation,
// no script error, and no critical accessibility finding (axe-core).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

// A new browser context (own cookies) with one page whose problems are
// collected in page.problems: CSP violations (the DOM event and console
// reports), uncaught errors and alerts (an injected script would alert).
export async function openPage(browser, baseURL, viewport = DESKTOP, contextOptions = {}) {
  const context = await browser.newContext({ baseURL, viewport, ...contextOptions });
  const page = await context.newPage();
  page.problems = [];
  await page.exposeFunction('reportViolation', (text) => page.problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.reportViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy|Trusted Type/i.test(text)) page.problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    page.problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  return page;
}

// axe-core's findings of impact "critical" on the page as it is now.
export async function criticalA11yFindings(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Saves the page at both widths into the run's screenshot folder.
export async function screenshots(page, name) {
  const dir = process.env.SCREENSHOT_DIR ?? join(process.cwd(), 'screenshots');
  mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(dir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}
