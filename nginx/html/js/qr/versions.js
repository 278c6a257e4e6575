// The symbol versions 1-10 at error correction level M (ISO/IEC 18004,
// tables 1, 9 and annex E): codewords in all, error correction codewords per
// block, number of blocks, and the row/column centres of alignment patterns.
// Level M restores up to 15 % damage; version 10 holds 213 bytes, more than
// any otpauth URI of this service needs.
export const LEVEL_M_BITS = 0b00;

export const VERSIONS = [
  { total: 26, ecc: 10, blocks: 1, align: [] },
  { total: 44, ecc: 16, blocks: 1, align: [6, 18] },
  { total: 70, ecc: 26, blocks: 1, align: [6, 22] },
  { total: 100, ecc: 18, blocks: 2, align: [6, 26] },
  { total: 134, ecc: 24, blocks: 2, align: [6, 30] },
  { total: 172, ecc: 16, blocks: 4, align: [6, 34] },
  { total: 196, ecc: 18, blocks: 4, align: [6, 22, 38] },
  { total: 242, ecc: 22, blocks: 4, align: [6, 24, 42] },
  { total: 292, ecc: 22, blocks: 5, align: [6, 26, 46] },
  { total: 346, ecc: 26, blocks: 5, align: [6, 28, 50] },
];

export function dataCapacity(version) {
  const v = VERSIONS[version - 1];
  return v.total - v.ecc * v.blocks;
}

// Bits of the byte-mode character count: 8 up to version 9, 16 from 10.
export function countBits(version) {
  return version < 10 ? 8 : 16;
}
