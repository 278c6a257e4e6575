// Data masking (ISO/IEC 18004, 7.8): the eight mask patterns and the
// penalty score that picks the one leaving the fewest confusing features.
import { drawFormat } from './matrix.js';

const PATTERNS = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

function applied(base, mask) {
  const m = base.copy();
  for (let i = 0; i < m.size; i++) {
    for (let j = 0; j < m.size; j++) {
      if (!m.isFixed(i, j) && PATTERNS[mask](i, j)) m.dark[i * m.size + j] ^= 1;
    }
  }
  drawFormat(m, mask);
  return m;
}

// Rules 1 and 3 along one row or column: runs of five or more of a colour,
// and 1:1:3:1:1 finder look-alikes with four light modules on a side
// (outside the symbol counts as light).
function linePenalty(line) {
  let score = 0;
  let run = 1;
  for (let k = 1; k <= line.length; k++) {
    if (k < line.length && line[k] === line[k - 1]) {
      run++;
    } else {
      if (run >= 5) score += run - 2;
      run = 1;
    }
  }
  const light = (k) => k < 0 || k >= line.length || !line[k];
  const finderLike = [1, 0, 1, 1, 1, 0, 1];
  for (let k = 0; k + 7 <= line.length; k++) {
    if (!finderLike.every((v, d) => line[k + d] === v)) continue;
    const before = [1, 2, 3, 4].every((d) => light(k - d));
    const after = [7, 8, 9, 10].every((d) => light(k + d));
    if (before || after) score += 40;
  }
  return score;
}

function penalty(m) {
  const n = m.size;
  let score = 0;
  let dark = 0;
  for (let i = 0; i < n; i++) {
    const row = [];
    const col = [];
    for (let j = 0; j < n; j++) {
      row.push(m.dark[i * n + j]);
      col.push(m.dark[j * n + i]);
    }
    score += linePenalty(row) + linePenalty(col);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m.dark[i * n + j];
      dark += v;
      if (i + 1 < n && j + 1 < n && v === m.dark[i * n + j + 1] &&
          v === m.dark[(i + 1) * n + j] && v === m.dark[(i + 1) * n + j + 1]) score += 3;
    }
  }
  score += 10 * Math.floor(Math.abs((dark * 100) / (n * n) - 50) / 5);
  return score;
}

// The masked symbol with the lowest penalty.
export function bestMasked(base) {
  let best = null;
  for (let mask = 0; mask < PATTERNS.length; mask++) {
    const m = applied(base, mask);
    const score = penalty(m);
    if (best === null || score < best.score) best = { m, score };
  }
  return best.m;
}
