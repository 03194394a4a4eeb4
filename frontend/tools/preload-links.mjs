// After `ng build` (npm's postbuild): a module preload in index.html for every chunk of the
// initial JavaScript. Angular writes at most ten (a fixed limit of @angular/build); the browser
// finds the others only once the chunks importing them have loaded and been parsed, a round trip
// or more later on a slow network, for every page. Each link gets the file's SRI hash, as
// Angular's own (subresourceIntegrity is on). Idempotent: a file already named is skipped.
//
//   node tools/preload-links.mjs [dist/frontend/browser]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entries, initialChunks } from './initial-chunks.mjs';

const dir = process.argv[2] ?? 'dist/frontend/browser';
const index = join(dir, 'index.html');
const html = readFileSync(index, 'utf8');
const named = new Set(entries(html));
const missing = initialChunks(dir, html).filter((file) => !named.has(file));
const integrity = (file) => `sha384-${createHash('sha384').update(readFileSync(join(dir, file))).digest('base64')}`;
const links = missing.map((file) => `<link rel="modulepreload" href="${file}" integrity="${integrity(file)}">`).join('');
// Beside Angular's own, before the entry script.
const script = html.search(/<script[^>]+type="module"/);
if (script < 0) {
  console.error(`no module script in ${index}`);
  process.exit(1);
}
writeFileSync(index, html.slice(0, script) + links + html.slice(script));
console.log(`preload-links: ${missing.length} module preloads added to ${index} (${named.size} there already)`);
