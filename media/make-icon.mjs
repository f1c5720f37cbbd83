// Draws media/icon.png (128 x 128): a magnifying lens over three probability bars, on a rounded
// dark-blue square. Shapes are signed distances, sampled 4 x 4 per pixel for smooth edges.
// Run: node media/make-icon.mjs  (pngjs, a dev dependency, encodes the PNG).
import { writeFileSync } from 'fs';
import { PNG } from 'pngjs';

const N = 128;
const SS = 4;
const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const BG = hex('#1d3557');
const RING = hex('#f1faee');
const HANDLE = hex('#f4a261');
const BAR = hex('#2ec4b6');
const BAR_MAX = hex('#e9c46a');

/** Distance to a rounded box centred at (cx, cy) with half sizes (hx, hy) and corner radius r. */
function roundBox(x, y, cx, cy, hx, hy, r) {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}
/** Distance to a segment (ax, ay)-(bx, by) thickened to half width w. */
function segment(x, y, ax, ay, bx, by, w) {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy) - w;
}

/** The colour at a point, or null outside the icon (transparent). */
function shade(x, y) {
  if (roundBox(x, y, 64, 64, 62, 62, 22) > 0) return null;
  const lens = Math.hypot(x - 54, y - 54);
  if (segment(x, y, 80, 80, 110, 110, 8) < 0 && lens > 36) return HANDLE;
  if (Math.abs(lens - 33) < 5) return RING;
  // Three bars inside the lens (a softmax row: the middle class most probable), on a baseline.
  const bars = [[40, 10], [54, 32], [68, 16]];
  for (const [bx, h] of bars) if (roundBox(x, y, bx, 70 - h / 2, 5, h / 2, 1.5) < 0) return h === 32 ? BAR_MAX : BAR;
  if (lens < 28 && Math.abs(y - 71.5) < 1.2 && Math.abs(x - 54) < 22) return RING;
  return BG;
}

const png = new PNG({ width: N, height: N });
for (let py = 0; py < N; py++) {
  for (let px = 0; px < N; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = shade(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const i = (py * N + px) * 4;
    png.data[i] = a ? Math.round(r / a) : 0;
    png.data[i + 1] = a ? Math.round(g / a) : 0;
    png.data[i + 2] = a ? Math.round(b / a) : 0;
    png.data[i + 3] = Math.round((255 * a) / (SS * SS));
  }
}
writeFileSync(new URL('./icon.png', import.meta.url), PNG.sync.write(png));
