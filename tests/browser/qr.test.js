// The web UI's QR encoder (nginx/html/js/qr) without a browser: symbols of
// every version it makes, drawn as images, read back by zbarimg.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'qr-test-'));
let encodeQr;

// The page's modules are plain .js files; Node loads them as ES modules
// from a folder marked so.
before(async () => {
  cpSync(join(here, '../../nginx/html/js/qr'), join(work, 'qr'), { recursive: true });
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  ({ encodeQr } = await import(pathToFileURL(join(work, 'qr/encode.js'))));
});

after(() => rmSync(work, { recursive: true, force: true }));

// zbarimg's reading of the symbol drawn as a grey map, 4 pixels per module.
function decode(qr) {
  const scale = 4;
  const span = (qr.size + 8) * scale;
  const pixels = Buffer.alloc(span * span, 255);
  for (let row = 0; row < qr.size; row++) {
    for (let col = 0; col < qr.size; col++) {
      if (!qr.isDark(row, col)) continue;
      for (let y = 0; y < scale; y++) {
        pixels.fill(0, ((row + 4) * scale + y) * span + (col + 4) * scale,
          ((row + 4) * scale + y) * span + (col + 5) * scale);
      }
    }
  }
  const file = join(work, 'symbol.pgm');
  writeFileSync(file, Buffer.concat([Buffer.from(`P5 ${span} ${span} 255\n`), pixels]));
  return execFileSync('zbarimg', ['-q', '--raw', file], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().replace(/\n$/, '');
}

// Lengths at both sides of each version's capacity (bytes, level M).
const CASES = [1, 14, 15, 26, 27, 42, 43, 62, 63, 84, 85, 106, 107, 122, 123, 152, 153, 180, 181, 213];

for (const length of CASES) {
  test(`${length} bytes read back`, () => {
    const text = 'otpauth://totp/crud:someone?secret=' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.repeat(7);
    const qr = encodeQr(text.slice(0, length));
    assert.equal(decode(qr), text.slice(0, length));
  });
}

test('versions grow with the text', () => {
  assert.equal(encodeQr('a'.repeat(14)).version, 1);
  assert.equal(encodeQr('a'.repeat(15)).version, 2);
  assert.equal(encodeQr('a'.repeat(213)).version, 10);
  assert.equal(encodeQr('a').size, 21);
});

test('too long a text is refused', () => {
  assert.throws(() => encodeQr('a'.repeat(214)), RangeError);
});
