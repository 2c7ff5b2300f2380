// Re-encodes the README's screenshots (media/screenshots/*.png, shipped in every .vsix) as
// palette PNGs: UI screenshots have few colours, so this roughly halves them with no visible
// change. A file is rewritten only when the new encoding is smaller. Run after copying new ones in.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const folder = process.argv[2] ?? 'media/screenshots';
let before = 0;
let after = 0;
for (const name of readdirSync(folder).filter((n) => n.endsWith('.png'))) {
  const file = join(folder, name);
  const original = readFileSync(file);
  const palette = await sharp(original).png({ palette: true, effort: 10, compressionLevel: 9 }).toBuffer();
  const kept = palette.length < original.length ? palette : original;
  if (kept !== original) writeFileSync(file, kept);
  before += original.length;
  after += kept.length;
}
console.log(`${folder}: ${(before / 1e6).toFixed(2)} MB → ${(after / 1e6).toFixed(2)} MB`);
