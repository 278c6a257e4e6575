// The codeword sequence of a symbol (ISO/IEC 18004, 7.4 and 7.6): the bytes
// in byte mode, terminator and padding, split into blocks, each block's
// error correction appended, and all of it interleaved block by block.
import { errorCorrection } from './reed-solomon.js';
import { VERSIONS, countBits, dataCapacity } from './versions.js';

function dataCodewords(bytes, version) {
  const capacity = dataCapacity(version);
  const bits = [];
  const push = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4); // byte mode
  push(bytes.length, countBits(version));
  bytes.forEach((b) => push(b, 8));
  push(0, Math.min(4, capacity * 8 - bits.length)); // terminator
  while (bits.length % 8) bits.push(0);
  const words = [];
  for (let i = 0; i < bits.length; i += 8) {
    words.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  }
  for (let pad = 0xec; words.length < capacity; pad ^= 0xec ^ 0x11) words.push(pad);
  return words;
}

// True when `bytes` fit a symbol of this version.
export function fits(bytes, version) {
  return 4 + countBits(version) + 8 * bytes.length <= dataCapacity(version) * 8;
}

export function symbolCodewords(bytes, version) {
  const { ecc, blocks: count } = VERSIONS[version - 1];
  const data = dataCodewords(bytes, version);
  // The last (data length mod count) blocks are one codeword longer.
  const short = Math.floor(data.length / count);
  const longFrom = count - (data.length % count);
  const blocks = [];
  for (let b = 0, at = 0; b < count; b++) {
    const length = short + (b >= longFrom ? 1 : 0);
    blocks.push(data.slice(at, at + length));
    at += length;
  }
  const out = [];
  for (let i = 0; i <= short; i++) {
    blocks.forEach((block) => i < block.length && out.push(block[i]));
  }
  const corrections = blocks.map((block) => errorCorrection(block, ecc));
  for (let i = 0; i < ecc; i++) corrections.forEach((c) => out.push(c[i]));
  return out;
}
