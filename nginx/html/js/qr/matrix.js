// The module grid of a symbol (ISO/IEC 18004, 7.3, 7.7, 7.9, 7.10): finder,
// separator, timing and alignment patterns, the areas reserved for format
// and version information, and the data bits in their two-column zigzag.
import { LEVEL_M_BITS, VERSIONS } from './versions.js';

export class Matrix {
  constructor(size) {
    this.size = size;
    this.dark = new Uint8Array(size * size);
    this.fixed = new Uint8Array(size * size); // function patterns: never data, never masked
  }

  get(row, col) {
    return this.dark[row * this.size + col] === 1;
  }

  setFixed(row, col, dark) {
    this.dark[row * this.size + col] = dark ? 1 : 0;
    this.fixed[row * this.size + col] = 1;
  }

  isFixed(row, col) {
    return this.fixed[row * this.size + col] === 1;
  }

  copy() {
    const m = new Matrix(this.size);
    m.dark.set(this.dark);
    m.fixed.set(this.fixed);
    return m;
  }
}

// BCH remainder of `value` (shifted left by the generator's degree).
function bch(value, generator, degree) {
  let remainder = value << degree;
  for (let bit = 31 - Math.clz32(remainder); bit >= degree; bit--) {
    if ((remainder >>> bit) & 1) remainder ^= generator << (bit - degree);
  }
  return (value << degree) | remainder;
}

function drawFinder(m, top, left) {
  // Rings from the centre: 0-1 dark, 2 light, 3 dark, 4 the light separator.
  for (let dr = -1; dr <= 7; dr++) {
    for (let dc = -1; dc <= 7; dc++) {
      const row = top + dr;
      const col = left + dc;
      if (row < 0 || col < 0 || row >= m.size || col >= m.size) continue;
      const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
      m.setFixed(row, col, ring !== 2 && ring !== 4);
    }
  }
}

function drawVersion(m, version) {
  const bits = bch(version, 0x1f25, 12);
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    const a = m.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    m.setFixed(b, a, dark); // top right
    m.setFixed(a, b, dark); // bottom left
  }
}

// Every function pattern of the version, format areas reserved (light).
export function functionPatterns(version) {
  const m = new Matrix(17 + 4 * version);
  const last = m.size - 7;
  drawFinder(m, 0, 0);
  drawFinder(m, 0, last);
  drawFinder(m, last, 0);
  // Alignment before timing: a centre already fixed is a finder's.
  const centres = VERSIONS[version - 1].align;
  for (const row of centres) {
    for (const col of centres) {
      if (m.isFixed(row, col)) continue;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          m.setFixed(row + dr, col + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
        }
      }
    }
  }
  for (let i = 8; i < m.size - 8; i++) {
    m.setFixed(6, i, i % 2 === 0);
    m.setFixed(i, 6, i % 2 === 0);
  }
  drawFormat(m, 0);
  if (version >= 7) drawVersion(m, version);
  return m;
}

// The 15-bit format information (level M, mask) in both of its places,
// and the dark module beside the bottom left finder.
export function drawFormat(m, mask) {
  const bits = bch((LEVEL_M_BITS << 3) | mask, 0x537, 10) ^ 0x5412;
  const bit = (i) => ((bits >>> i) & 1) === 1;
  const n = m.size;
  for (let i = 0; i <= 5; i++) m.setFixed(i, 8, bit(i));
  m.setFixed(7, 8, bit(6));
  m.setFixed(8, 8, bit(7));
  m.setFixed(8, 7, bit(8));
  for (let i = 9; i < 15; i++) m.setFixed(8, 14 - i, bit(i));
  for (let i = 0; i < 8; i++) m.setFixed(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) m.setFixed(n - 15 + i, 8, bit(i));
  m.setFixed(n - 8, 8, true);
}

// The codewords' bits, most significant first, upwards and downwards in
// two-column strips from the bottom right, skipping the vertical timing
// column; leftover modules stay light.
export function placeData(m, codewords) {
  const total = codewords.length * 8;
  let index = 0;
  let upward = true;
  for (let right = m.size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let i = 0; i < m.size; i++) {
      const row = upward ? m.size - 1 - i : i;
      for (const col of [right, right - 1]) {
        if (m.isFixed(row, col)) continue;
        const on = index < total && (codewords[index >> 3] >>> (7 - (index & 7))) & 1;
        m.dark[row * m.size + col] = on ? 1 : 0;
        index++;
      }
    }
    upward = !upward;
  }
}
