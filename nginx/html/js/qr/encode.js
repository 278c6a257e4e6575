// A QR code (ISO/IEC 18004) of a text, in byte mode at error correction
// level M, in the smallest version 1-10 that holds it. Written for the 2FA
// enrolment page: the otpauth URI never leaves the browser. Bytes are the
// text's UTF-8 with no ECI header: fine for URIs, which are ASCII (readers
// guess the character set of other bytes).
import { symbolCodewords, fits } from './codewords.js';
import { bestMasked } from './mask.js';
import { functionPatterns, placeData } from './matrix.js';
import { VERSIONS } from './versions.js';

// Returns {size, version, isDark(row, col)}; throws RangeError when the
// text is longer than version 10 holds.
export function encodeQr(text) {
  const bytes = Array.from(new TextEncoder().encode(text));
  for (let version = 1; version <= VERSIONS.length; version++) {
    if (!fits(bytes, version)) continue;
    const m = functionPatterns(version);
    placeData(m, symbolCodewords(bytes, version));
    const symbol = bestMasked(m);
    return { size: symbol.size, version, isDark: (row, col) => symbol.get(row, col) };
  }
  throw new RangeError(`${bytes.length} bytes are too many for a QR code of version 10`);
}
