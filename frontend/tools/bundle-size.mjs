// Initial JavaScript of the production build, gzipped: the scripts and module preloads of
// index.html and every chunk they import statically (Angular preloads only the first few in
// index.html; the browser fetches the rest before the first render all the same), lazy route
// chunks (dynamic `import()`) excluded. Fails above the budget.
//
//   node tools/bundle-size.mjs [dist/frontend/browser] [budget KB]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initialChunks } from './initial-chunks.mjs';

const dir = process.argv[2] ?? 'dist/frontend/browser';
const budgetKb = Number(process.argv[3] ?? 250);
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const initial = initialChunks(dir, html);
const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+\.css)"/g)].map((match) => match[1]);

const size = (file) => {
  const bytes = readFileSync(join(dir, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const kb = (bytes) => (bytes / 1024).toFixed(1);
const rows = [...new Set(initial)].map(size);
const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), { raw: 0, gzip: 0 });
const css = styles.map(size).reduce((sum, row) => sum + row.gzip, 0);
const lazy = readdirSync(dir).filter((f) => f.endsWith('.js') && !initial.includes(f));
const lazyGzip = lazy.map(size).reduce((sum, row) => sum + row.gzip, 0);

for (const row of rows) console.log(`  ${row.file.padEnd(28)} ${kb(row.raw).padStart(8)} KB raw  ${kb(row.gzip).padStart(7)} KB gzip`);
console.log(`initial JavaScript: ${rows.length} files, ${kb(total.raw)} KB raw, ${kb(total.gzip)} KB gzipped (budget ${budgetKb} KB)`);
console.log(`initial CSS: ${kb(css)} KB gzipped; lazy chunks: ${lazy.length} files, ${kb(lazyGzip)} KB gzipped in all`);
if (rows.length === 0 || total.gzip > budgetKb * 1024) {
  console.error(rows.length === 0 ? 'no initial script found in index.html' : 'initial JavaScript is over budget');
  process.exit(1);
}
