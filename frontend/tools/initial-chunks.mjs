// The initial JavaScript of a production build: the scripts and module preloads of index.html
// and every chunk they import statically, in the order a breadth-first walk meets them; lazy
// route chunks (dynamic `import()`) excluded. Shared by bundle-size.mjs and preload-links.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Static imports only: `import{…}from"./chunk-X.js"` and `import"./chunk-X.js"`, not `import("./…")`.
const staticImport = /(?:\bfrom\s*|\bimport\s*)["']\.\/([^"']+\.js)["']/g;

/** The files index.html names itself: its module scripts and its module preloads. */
export function entries(html) {
  return [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]);
}

/** Every file of the initial JavaScript of the build in `dir` whose index.html is `html`. */
export function initialChunks(dir, html) {
  const initial = [];
  for (const queue = entries(html); queue.length > 0; ) {
    const file = queue.shift();
    if (initial.includes(file)) continue;
    initial.push(file);
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(staticImport)) queue.push(match[1]);
  }
  return initial;
}
