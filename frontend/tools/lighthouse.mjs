// Lighthouse (mobile preset, simulated throttling) on the home and sign-in pages of the SPA as
// ycyw-api serves it, in Debian's chromium. Fails under accessibility 95; performance under 90
// fails only with LIGHTHOUSE_STRICT=1 (the benchmark run), since its score moves with the load
// of a shared machine and must not make the test suite flaky. Writes the reports and a
// summary.json into OUT_DIR.
//
//   CHROME_PATH=/usr/bin/chromium node tools/lighthouse.mjs http://localhost:8080 [OUT_DIR] [RUNS]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const base = (process.argv[2] ?? 'http://localhost:8080').replace(/\/$/, '');
const out = process.argv[3] ?? '.lighthouse';
const runs = Number(process.argv[4] ?? 1);
const pages = [
  { name: 'home', path: '/' },
  { name: 'sign-in', path: '/sign-in' },
];
const thresholds = { accessibility: 95, performance: 90 };
const strict = process.env.LIGHTHOUSE_STRICT === '1';

mkdirSync(out, { recursive: true });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

const summary = [];
let failed = false;
try {
  for (const page of pages) {
    const scores = [];
    for (let run = 0; run < runs; run++) {
      const result = await lighthouse(`${base}${page.path}`, {
        port: chrome.port,
        output: 'html',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        logLevel: 'error',
      });
      const { categories, audits } = result.lhr;
      scores.push({
        performance: Math.round(categories.performance.score * 100),
        accessibility: Math.round(categories.accessibility.score * 100),
        bestPractices: Math.round(categories['best-practices'].score * 100),
        fcpMs: Math.round(audits['first-contentful-paint'].numericValue),
        lcpMs: Math.round(audits['largest-contentful-paint'].numericValue),
        tbtMs: Math.round(audits['total-blocking-time'].numericValue),
        cls: Number(audits['cumulative-layout-shift'].numericValue.toFixed(3)),
      });
      writeFileSync(join(out, `${page.name}${runs > 1 ? `-${run + 1}` : ''}.html`), result.report);
    }
    // The median run of each page (by performance score) is the figure reported.
    const median = [...scores].sort((a, b) => a.performance - b.performance)[Math.floor(scores.length / 2)];
    summary.push({ page: page.name, url: `${base}${page.path}`, ...median, runs: scores });
    const fast = median.performance >= thresholds.performance;
    const ok = median.accessibility >= thresholds.accessibility && (fast || !strict);
    failed ||= !ok;
    if (!fast && !strict) console.warn(`warning: ${page.name} performance ${median.performance} < ${thresholds.performance} (not gating here; see docs/benchmarks.md)`);
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${page.name.padEnd(8)} performance ${median.performance}  accessibility ${median.accessibility}  ` +
        `best practices ${median.bestPractices}  FCP ${median.fcpMs} ms  LCP ${median.lcpMs} ms  TBT ${median.tbtMs} ms  CLS ${median.cls}`,
    );
  }
} finally {
  await chrome.kill();
}
writeFileSync(join(out, 'summary.json'), JSON.stringify({ date: new Date().toISOString(), thresholds, pages: summary }, null, 2));
if (failed) {
  console.error(`under the thresholds (performance ≥ ${thresholds.performance}, accessibility ≥ ${thresholds.accessibility})`);
  process.exit(1);
}
