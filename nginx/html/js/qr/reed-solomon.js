// Reed-Solomon error correction codewords as QR codes use them (ISO/IEC
// 18004, 7.5.2): arithmetic in GF(256) modulo x^8+x^4+x^3+x^2+1, generator
// polynomial with the roots a^0 .. a^(n-1), a = 2.

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = EXP[i + 255] = x;
  LOG[x] = i;
  x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1;
}

function multiply(a, b) {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

// Coefficients of (x + a^0)(x + a^1)...(x + a^(degree-1)), highest power first.
function generator(degree) {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    poly.forEach((coefficient, j) => {
      next[j] ^= coefficient;
      next[j + 1] ^= multiply(coefficient, EXP[i]);
    });
    poly = next;
  }
  return poly;
}

// The `degree` error correction codewords of one block: the remainder of
// data(x) * x^degree divided by the generator.
export function errorCorrection(data, degree) {
  const gen = generator(degree);
  const remainder = new Array(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift();
    remainder.push(0);
    for (let j = 0; j < degree; j++) remainder[j] ^= multiply(gen[j + 1], factor);
  }
  return remainder;
}
