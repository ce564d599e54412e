// End-to-end test at a phone's size (390×844, touch): no panel scrolls sideways; on the Draw panel the pad
// and the answer strip (every model's top answer) sit within the first screen, and a digit drawn with
// touch events gets an answer from each pretrained model there. Screenshots of every panel are saved
// to tests/e2e/artifacts/phone-<panel>.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PHONE = { width: 390, height: 844 };
const PANELS = ['train', 'wiring', 'statistics', 'robustness', 'draw', 'experiment'];

/** How far the page reaches past the screen's right edge (0 when nothing scrolls sideways). */
async function sidewaysOverflow(page) {
  // A phone browser widens its layout viewport to content that does not fit, so innerWidth must be
  // checked too, not only compared with.
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
  return Math.max(scrollWidth, innerWidth) - PHONE.width;
}

/** The widest elements past the right edge, to name in a failure. */
function overflowingElements(page) {
  return page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (right ${Math.round(el.getBoundingClientRect().right)})`));
}

/** A "7" drawn with real touch events (touchstart, moves, touchend) through the DevTools protocol. */
async function touchSeven(page) {
  const box = await page.getByTestId('drawing-pad').boundingBox();
  assert.ok(box && box.width > 100, 'the drawing pad is not on screen');
  const cdp = await page.context().newCDPSession(page);
  const at = (fx, fy) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  const path = [];
  for (let i = 0; i <= 12; i++) path.push(at(0.25 + (0.5 * i) / 12, 0.2));
  for (let i = 1; i <= 16; i++) path.push(at(0.75 - (0.3 * i) / 16, 0.2 + (0.65 * i) / 16));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [path[0]] });
  for (const p of path.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

export const tests = [
  {
    name: 'phone: every panel fits 390 px without sideways scroll; the pad and every answer share the first screen',
    timeoutMs: 240_000,
    pretrained: true,
    context: { viewport: PHONE, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
    async fn({ page, baseUrl, screenshot }) {
      const models = JSON.parse(readFileSync(path.join(ROOT, 'public/models/index.json'), 'utf8')).models.filter((m) => m.dataset === 'mnist');
      await page.goto(`${baseUrl}?panel=draw`);
      await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained/ }).filter({ hasNotText: 'loading' })
        .waitFor({ timeout: 120_000 });
      const chips = page.getByTestId('answer-strip').locator('li');
      await chips.nth(models.length - 1).waitFor({ timeout: 30_000 });
      assert.equal(await chips.count(), models.length);

      await touchSeven(page);
      // Every model has answered this drawing (not a part of the stroke): the bars below say so.
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="probabilities-"][data-current="true"]').length === n,
        models.length, { timeout: 60_000 });
      const tops = await chips.evaluateAll((lis) => lis.map((li) => Number(li.dataset.top)));
      const barTops = await page.locator('[data-testid^="probabilities-"]').evaluateAll((els) => els.map((el) => Number(el.dataset.top)));
      assert.deepEqual(tops, barTops, 'the strip and the bars disagree');
      // Most networks read a clear "7" right; all of them answering is what the strip must show.
      assert.ok(tops.filter((t) => t === 7).length >= Math.ceil(models.length / 2), `top answers ${tops.join(', ')}`);

      // At the top of the page, the pad and the whole strip are on the first screen.
      await page.evaluate(() => window.scrollTo(0, 0));
      for (const id of ['drawing-pad', 'answer-strip']) {
        const box = await page.getByTestId(id).boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= PHONE.height,
          `${id} spans ${box ? `${Math.round(box.y)}–${Math.round(box.y + box.height)}` : 'nothing'} px; the screen is ${PHONE.height} px tall`);
      }

      await page.screenshot({ path: path.join(ROOT, 'tests/e2e/artifacts/phone-draw-first-screen.png') });

      for (const id of PANELS) {
        await page.getByRole('tab', { name: new RegExp(`^${id}$`, 'i') }).tap();
        await page.locator(`#panel-${id}`).waitFor();
        await page.waitForTimeout(400); // let the charts draw at their new size before the picture
        const overflow = await sidewaysOverflow(page);
        assert.ok(overflow <= 0, `the ${id} panel scrolls sideways by ${overflow} px: ${(await overflowingElements(page)).join(', ')}`);
        await screenshot(`phone-${id}`);
      }
      // The tabs are touch-sized.
      const tab = await page.getByRole('tab', { name: 'Draw' }).boundingBox();
      assert.ok(tab.height >= 40, `a tab is ${tab.height} px tall`);
    },
  },
];
