// Draws a QR code as an SVG image: one path of unit squares, with the
// four-module light margin (quiet zone) that readers need around it.
const NS = 'http://www.w3.org/2000/svg';
const QUIET = 4;

export function qrSvg(qr, label) {
  const span = qr.size + 2 * QUIET;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${span} ${span}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(NS, 'rect');
  background.setAttribute('width', String(span));
  background.setAttribute('height', String(span));
  background.setAttribute('fill', '#fff');
  const modules = document.createElementNS(NS, 'path');
  let d = '';
  for (let row = 0; row < qr.size; row++) {
    for (let col = 0; col < qr.size; col++) {
      if (qr.isDark(row, col)) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
    }
  }
  modules.setAttribute('d', d);
  modules.setAttribute('fill', '#000');
  svg.append(background, modules);
  return svg;
}
