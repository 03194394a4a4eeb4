// Where the SPA's start spends the main thread: loads a page in Debian's chromium with the CPU
// slowed 4× (as Lighthouse's mobile preset simulates), records the V8 CPU profile from the
// navigation until the page has been quiet for a second, and prints the long tasks (≥ 50 ms) and
// the functions with the most self time, mapped to the sources when the build has source maps
// (`npx ng build --source-map`). A diagnostic, not a test: the figures move with the machine.
//
//   CHROME_PATH=/usr/bin/chromium node tools/profile-start.mjs http://localhost:8080/ [DIST_DIR]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import puppeteer from 'puppeteer-core';
import { SourceMapConsumer } from 'source-map';

const url = process.argv[2] ?? 'http://localhost:8080/';
const dist = process.argv[3] ?? 'dist/frontend/browser';
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const page = await browser.newPage();
await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
const cdp = await page.createCDPSession();
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await page.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
await cdp.send('Profiler.start');
await page.goto(url, { waitUntil: 'networkidle0' });
await new Promise((resolve) => setTimeout(resolve, 1000));
const { profile } = await cdp.send('Profiler.stop');
const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
await browser.close();

// Long tasks of the renderer's main thread, as the timeline records them.
const events = trace.traceEvents ?? trace;
// The page's renderer main thread: of the renderers' main threads (about:blank has one too),
// the busiest.
const busy = new Map();
for (const e of events) if (e.name === 'RunTask' && e.ph === 'X') busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
const main = events
  .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  .sort((a, b) => (busy.get(`${b.pid}:${b.tid}`) ?? 0) - (busy.get(`${a.pid}:${a.tid}`) ?? 0))[0];
const tasks = events
  .filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === main?.pid && e.tid === main?.tid && e.dur >= 50_000)
  .sort((a, b) => a.ts - b.ts);
const navigation = events.find((e) => e.name === 'navigationStart' && e.pid === main?.pid)?.ts ?? tasks[0]?.ts ?? 0;
console.log(`long tasks (≥ 50 ms at 4× CPU slowdown): ${tasks.length}`);
for (const t of tasks) console.log(`  at ${((t.ts - navigation) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(0)} ms`);

// Self time per function, from the samples.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0)));
const consumers = new Map();
async function origin(frame) {
  const file = frame.url.split('/').pop();
  const map = join(dist, `${file}.map`);
  if (!file || !existsSync(map)) return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
  if (!consumers.has(map)) consumers.set(map, await new SourceMapConsumer(JSON.parse(readFileSync(map, 'utf8'))));
  const at = consumers.get(map).originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber });
  return `${at.name ?? frame.functionName ?? '(anonymous)'} ${at.source?.replace(/^.*node_modules\//, '') ?? file}:${at.line}`;
}
const totals = new Map();
for (const [id, us] of self) {
  const frame = byId.get(id).callFrame;
  const key = frame.url ? await origin(frame) : frame.functionName || '(program)';
  totals.set(key, (totals.get(key) ?? 0) + us);
}
const byFile = new Map();
for (const [key, us] of totals) {
  const file = key.includes(' ') ? key.split(' ')[1].replace(/:\d+(:\d+)?$/, '') : key;
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
// What each long task ran: the samples inside its span (the profile and the trace share a clock).
let clock = profile.startTime;
const timed = profile.samples.map((id, i) => ((clock += deltas[i] ?? 0), { id, at: clock, us: deltas[i + 1] ?? 0 }));
for (const t of tasks) {
  const inside = new Map();
  for (const s of timed) {
    if (s.at < t.ts || s.at > t.ts + t.dur) continue;
    const frame = byId.get(s.id).callFrame;
    if (!frame.url) continue;
    const key = await origin(frame);
    inside.set(key, (inside.get(key) ?? 0) + s.us);
  }
  const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`\nlong task at ${((t.ts - navigation) / 1000).toFixed(0)} ms (${(t.dur / 1000).toFixed(0)} ms), its top functions:`);
  for (const [key, us] of top) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${key}`);
}

const all = [...totals.values()].reduce((a, b) => a + b, 0);
console.log(`\nsampled: ${(all / 1000).toFixed(0)} ms; self time by source file (top 25):`);
for (const [file, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${file}`);
console.log('\nby function (top 40):');
for (const [key, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${key}`);
