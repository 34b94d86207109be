/**
 * How many participants the full mesh carries: N fake-device pages in one headless chromium join one
 * meeting; for each N, how long until every page receives every other's video, and the frame rate each
 * page decodes per remote camera once it does. Not a test (its numbers depend on the machine); the
 * numbers measured are in docs/media.md.
 *
 *   npx tsx scripts/mesh-limit.ts [--sizes 4,6,8] [--seconds 5]
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { ensurePagesBuilt, launchChromium } from '../test/browser/browser.js';
import { buildTestApp, gmt } from '../test/helper.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '4,6,8' }, seconds: { type: 'string', default: '5' } },
});
const sizes = values.sizes.split(',').map(Number);
const seconds = Number(values.seconds);

/** Frames decoded by each remote camera tile of the page over `ms`. */
function framesPerTile(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    `(async () => {
      const videos = [...document.querySelectorAll('[data-testid="tile"][data-kind="camera"][data-local="false"] video')];
      const count = () => videos.map((v) => v.getVideoPlaybackQuality().totalVideoFrames);
      const before = count();
      await new Promise((r) => setTimeout(r, ${ms}));
      return count().map((n, i) => n - before[i]);
    })()`,
  ) as Promise<number[]>;
}

ensurePagesBuilt();
const t = await buildTestApp({ realClock: true });
const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium([
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]);
console.log(
  'participants | time to full mesh (s) | remote cameras decoded, frames/s per tile: min / median / max | pages receiving all at ≥ 10 fps',
);
for (const n of sizes) {
  const site = await t.site();
  const reserved = await t.call('confReservation', site, {
    userId: 'mesh',
    userName: 'Host',
    confName: `Mesh ${n}`,
    startTime: gmt(Math.floor(Date.now() / 1000) * 1000 - 60_000),
    duration: 60,
    confParties: n,
    optionVideoHost: 1,
    optionVideoParticipants: 1,
    optionJbh: 1,
  });
  const m = reserved.body.data as { joinUrl: string };
  const started = Date.now();
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(m.joinUrl.replace('http://meet.example.test', base));
    await page.getByTestId('name-input').fill(`P${i}`);
    await page.getByTestId('enter-button').click();
    pages.push(page);
  }
  // Full mesh: every page has n−1 remote camera tiles whose video has a size.
  // (Polled with evaluate: the pages' CSP refuses the eval that waitForFunction uses.)
  const deadline = Date.now() + 120_000;
  const showing = `[...document.querySelectorAll('[data-testid="tile"][data-kind="camera"][data-local="false"] video')].filter((v) => v.videoWidth > 0).length`;
  const shown = async () => Promise.all(pages.map(async (page) => (await page.evaluate(showing)) as number));
  while ((await shown()).some((count) => count < n - 1) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const counts = await shown();
  if (counts.some((count) => count < n - 1)) {
    console.log(
      `${n} | no full mesh within 120 s: remote cameras showing per page ${counts.join(', ')} of ${n - 1} | – | –`,
    );
    for (const page of pages) await page.context().close();
    continue;
  }
  const meshSeconds = (Date.now() - started) / 1000;
  const perPage = await Promise.all(pages.map((p) => framesPerTile(p, seconds * 1000)));
  const rates = perPage
    .flat()
    .map((f) => f / seconds)
    .sort((a, b) => a - b);
  const good = perPage.filter((tiles) => tiles.length === n - 1 && tiles.every((f) => f / seconds >= 10)).length;
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  console.log(
    `${n} | ${meshSeconds.toFixed(1)} | ${rates[0]?.toFixed(1)} / ${median.toFixed(1)} / ${rates.at(-1)?.toFixed(1)} | ${good} of ${n}`,
  );
  for (const page of pages) await page.context().close();
}
await browser.close();
await t.close();
