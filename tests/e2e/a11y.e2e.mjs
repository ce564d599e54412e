// Accessibility: an axe-core scan of every panel (normal and presentation mode, and the shortcuts
// dialog) must find no serious or critical violation, and Tab must reach every enabled control.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeTinyPretrained } from './hosting.e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const BLOCKING = new Set(['serious', 'critical']);

async function openPage(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('gallery').waitFor({ timeout: 60_000 });
  // Scan the panels with the pretrained models in them (their lists, charts and controls), once the
  // status line has stopped saying that something is still loading.
  await page.getByTestId('pretrained-status').filter({ hasNotText: '…' }).waitFor({ timeout: 60_000 });
  await page.addScriptTag({ path: AXE });
}

/** Serious and critical violations on the page as it is now, each with the selectors of its nodes. */
async function scan(page, where) {
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ impact: n.impact, target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  return violations
    .filter((v) => BLOCKING.has(v.impact) || v.nodes.some((n) => BLOCKING.has(n.impact)))
    .map((v) => `${where}: [${v.impact}] ${v.id} — ${v.help}\n${v.nodes.map((n) => `      ${n.target}: ${(n.summary ?? '').split('\n').join(' ')}`).join('\n')}`);
}

/** Waits until the tab panel shows `id`'s panel and its content has settled for a frame or two. */
async function selectPanel(page, tab) {
  await tab.click();
  const id = await tab.getAttribute('id');
  await page.locator(`[role="tabpanel"][aria-labelledby="${id}"]`).waitFor();
  // Scan steady states: live evaluations dim their cards while the worker computes.
  await page.waitForFunction(() => !document.querySelector('[data-status="evaluating"], .pending'), undefined, { timeout: 30_000 });
  // …and let finite transitions (a card fading back from "pending") end; endless ones (spinners) stay.
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity));
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

export const tests = [
  {
    name: 'axe finds no serious or critical violation on any panel, normal or presenting',
    timeoutMs: 120_000,
    async fn({ page, baseUrl }) {
      // With models loaded, the panels show their model lists, live accuracies and sample grids too.
      const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-a11y-models-'));
      try {
        await routeTinyPretrained(page, dir);
        await openPage(page, baseUrl);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained/ }).waitFor();
      await page.getByTestId('pretrained-error').getByRole('button', { name: 'Dismiss' }).click();
      const tabs = page.getByRole('tab');
      const count = await tabs.count();
      assert.ok(count >= 1, 'no panel tabs');
      const problems = [];
      for (const presenting of [false, true]) {
        const pressed = await page.getByRole('button', { name: 'Presentation mode' }).getAttribute('aria-pressed');
        if ((pressed === 'true') !== presenting) await page.getByRole('button', { name: 'Presentation mode' }).click();
        for (let i = 0; i < count; i++) {
          const tab = tabs.nth(i);
          await selectPanel(page, tab);
          const label = `${(await tab.textContent())?.trim()} panel${presenting ? ' (presentation mode)' : ''}`;
          // The explanation box is scanned open: its text counts as much as the panel's.
          const help = page.getByTestId('panel-help');
          assert.equal(await help.count(), 1, `${label} has no "What am I looking at?" box (src/views/help/texts.ts)`);
          await help.evaluate((d) => { d.open = true; });
          problems.push(...await scan(page, label));
        }
      }
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      problems.push(...await scan(page, 'Keyboard shortcuts dialog'));
      assert.deepEqual(problems, [], `axe violations:\n${problems.join('\n')}`);
    },
  },
  {
    name: 'Tab reaches every enabled control of each panel',
    timeoutMs: 90_000,
    async fn({ page, baseUrl }) {
      await openPage(page, baseUrl);
      const tabs = page.getByRole('tab');
      const count = await tabs.count();
      const unreachable = [];
      for (let i = 0; i < count; i++) {
        await selectPanel(page, tabs.nth(i));
        // Mark each control a keyboard user must be able to reach. Radio groups and the tab list are
        // one Tab stop each (arrow keys move inside them), so only their current member counts.
        const total = await page.evaluate(() => {
          const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
          let n = 0;
          for (const el of document.querySelectorAll(selector)) {
            el.removeAttribute('data-a11y-stop');
            const style = getComputedStyle(el);
            const hidden = el.closest('[hidden], dialog:not([open])') || style.visibility === 'hidden' || el.getClientRects().length === 0;
            const inert = el.disabled || el.closest('fieldset:disabled') || el.getAttribute('tabindex') === '-1';
            const otherRadio = el.type === 'radio' && !el.checked && document.querySelector(`input[type="radio"][name="${el.name}"]:checked`);
            if (hidden || inert || otherRadio) continue;
            el.setAttribute('data-a11y-stop', String(n++));
          }
          return n;
        });
        await page.locator('body').focus();
        await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
        const reached = new Set();
        for (let k = 0; k < total + 40 && reached.size < total; k++) {
          await page.keyboard.press('Tab');
          const stop = await page.evaluate(() => document.activeElement?.getAttribute('data-a11y-stop') ?? null);
          if (stop !== null) reached.add(stop);
        }
        const missed = await page.evaluate((seen) => [...document.querySelectorAll('[data-a11y-stop]')]
          .filter((el) => !seen.includes(el.getAttribute('data-a11y-stop')))
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`), [...reached]);
        const label = (await tabs.nth(i).textContent())?.trim();
        unreachable.push(...missed.map((m) => `${label} panel: ${m}`));
      }
      assert.deepEqual(unreachable, [], `controls Tab never reaches:\n${unreachable.join('\n')}`);
    },
  },
];
