// The agent app's initial JavaScript, gzipped: the entry script and the chunks index.html
// preloads with it (everything lazy-loaded later is excluded). Fails above the budget.
// Usage: node scripts/bundle-size.mjs [dist directory]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250_000;
const dist = process.argv[2] ?? join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const initial = [
  ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => m[1]);
const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]);

if (initial.length === 0) {
  console.error(`no entry script found in ${join(dist, 'index.html')}`);
  process.exit(1);
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
function measure(files) {
  return files.map((href) => {
    const bytes = readFileSync(join(dist, href.replace(/^\//, '')));
    return { href, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

const js = measure(initial);
const css = measure(styles);
for (const f of [...js, ...css]) console.log(`  ${f.href.padEnd(40)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`);
const total = js.reduce((s, f) => s + f.gzip, 0);
const cssTotal = css.reduce((s, f) => s + f.gzip, 0);
console.log(`initial JS (gzip): ${kb(total)} of a ${kb(BUDGET_BYTES)} budget; initial CSS (gzip): ${kb(cssTotal)}`);
if (total > BUDGET_BYTES) {
  console.error(`the initial JavaScript is over budget by ${kb(total - BUDGET_BYTES)}`);
  process.exit(1);
}
