/**
 * Product images drawn in code as SVG, so the demo shop needs no downloaded photographs.
 * Pure shapes and gradients: no scripts, no fonts, no external references. Every id inside an
 * svg is prefixed with a short per-image id, so many of these can sit inline on one page.
 */
import { METALS, type MetalCode, metalLabel, STONES, type StoneCode, stoneLabel } from '../catalog.domain.js';
import type { DrawingKind } from './demo-catalogue.js';

export interface DrawnImage {
  alt: string;
  svg: string;
}

interface Piece {
  name: string;
  drawing: DrawingKind;
  metals: MetalCode[];
  stone: StoneCode | null;
}

type Pt = [number, number];
type GemShape = 'round' | 'oval' | 'pear' | 'heart' | 'emerald';
type GradKind = 'v' | 'h' | 'd' | 'r' | 'sU' | 'sL' | 'in' | 'hc';

// ─── small utilities ─────────────────────────────────────────────────────────

/** Numbers rounded to one decimal place keep the markup small. */
function F(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function rad(deg: number): number {
  return (deg * Math.PI) / 180;
}

function hash(s: string): number {
  let h = 2166136261;
  for (const ch of s) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function mix(a: string, b: string, t: number): string {
  const x = rgb(a);
  const y = rgb(b);
  const c = x.map((v, i) => Math.round(v + ((y[i] ?? v) - v) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function lowerLabel(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label[0]?.toLowerCase() + label.slice(1) : label;
}

function metalWords(m: MetalCode): string {
  return lowerLabel(metalLabel(m));
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

// ─── colours ─────────────────────────────────────────────────────────────────

interface Tone {
  base: string;
  vhi: string;
  hi: string;
  mid: string;
  lo: string;
}

function tone(m: MetalCode): Tone {
  const base = METALS.find((x) => x.code === m)?.colour ?? '#d4af37';
  const cool = m.includes('white') || m === 'sterling-silver' || m === 'platinum';
  const deep = m.includes('rose') ? '#5e2a1e' : cool ? '#3a4048' : '#5c3d0a';
  return {
    base,
    vhi: mix(base, '#ffffff', 0.88),
    hi: mix(base, '#ffffff', 0.55),
    mid: mix(base, deep, 0.3),
    lo: mix(base, deep, 0.62),
  };
}

/** Six facet shades, darkest first. */
function stoneShades(stone: StoneCode): string[] {
  if (stone === 'diamond') return ['#7f93a6', '#a9bccc', '#cfdbe5', '#e6eef4', '#f6f9fc', '#ffffff'];
  const base = STONES.find((s) => s.code === stone)?.colour ?? '#888888';
  const light = stone === 'morganite' ? 0.6 : 0.75;
  return [
    mix(base, '#000000', stone === 'morganite' ? 0.32 : 0.55),
    mix(base, '#000000', stone === 'morganite' ? 0.16 : 0.3),
    base,
    mix(base, '#ffffff', 0.22),
    mix(base, '#ffffff', 0.48),
    mix(base, '#ffffff', light),
  ];
}

const BACKDROPS: Array<[string, string]> = [
  ['#fdfbf7', '#e9e1d3'],
  ['#fbf6ee', '#e6d8c4'],
  ['#f9f8f5', '#dedad3'],
  ['#fcf7f3', '#ead9cf'],
  ['#f8f7f1', '#dcded2'],
  ['#fbf9f4', '#e4dccd'],
];

const BOX_COLOURS: Array<[string, string]> = [
  ['#2c3e5c', '#16223a'],
  ['#2f5446', '#183329'],
  ['#6b2a3a', '#3f1320'],
  ['#4a4038', '#2a231e'],
];

// ─── svg context: collects defs with unique ids ─────────────────────────────

/** A bright band a third of the way across: used both vertically and horizontally. */
const BAND_SHINE: Array<[number, keyof Tone]> = [
  [0, 'mid'],
  [0.18, 'hi'],
  [0.34, 'vhi'],
  [0.5, 'base'],
  [0.78, 'lo'],
  [1, 'mid'],
];

const METAL_STOPS: Record<GradKind, Array<[number, keyof Tone]>> = {
  v: BAND_SHINE,
  h: BAND_SHINE,
  d: [
    [0, 'vhi'],
    [0.28, 'base'],
    [0.52, 'lo'],
    [0.72, 'base'],
    [0.88, 'hi'],
    [1, 'mid'],
  ],
  r: [
    [0, 'vhi'],
    [0.28, 'hi'],
    [0.62, 'base'],
    [1, 'lo'],
  ],
  sU: [
    [0, 'hi'],
    [0.2, 'base'],
    [0.5, 'lo'],
    [0.8, 'mid'],
    [1, 'lo'],
  ],
  sL: [
    [0, 'lo'],
    [0.3, 'mid'],
    [0.55, 'base'],
    [0.74, 'vhi'],
    [0.86, 'base'],
    [1, 'lo'],
  ],
  in: [
    [0, 'lo'],
    [0.5, 'mid'],
    [1, 'lo'],
  ],
  hc: [
    [0, 'lo'],
    [0.22, 'base'],
    [0.42, 'vhi'],
    [0.55, 'hi'],
    [0.78, 'base'],
    [1, 'lo'],
  ],
};

type Stop = [number, string, number?];

function stopsXml(stops: Stop[]): string {
  return stops
    .map(
      ([o, c, a]) => `<stop offset="${String(o).replace(/^0\./, '.')}" stop-color="${c}"${a === undefined ? '' : ` stop-opacity="${a}"`}/>`,
    )
    .join('');
}

/** The stops of a metal gradient, coloured in the tones of `m`. */
function metalStops(m: MetalCode, kind: GradKind): string {
  const t = tone(m);
  return stopsXml(METAL_STOPS[kind].map(([o, k]) => [o, t[k]]));
}

class Ctx {
  readonly defs: string[] = [];
  private readonly made = new Set<string>();
  /** Several pieces share one image: leave out the finest details to keep the markup small. */
  lite = false;

  constructor(readonly pid: string) {}

  def(key: string, make: (id: string) => string): string {
    const id = this.pid + key;
    if (!this.made.has(id)) {
      this.made.add(id);
      this.defs.push(make(id));
    }
    return id;
  }

  /** A linear gradient across the shape's box, from its top-left corner towards (x2, y2); returns its id. */
  linear(key: string, x2: number, y2: number, stops: Stop[]): string {
    return this.def(key, (id) => `<linearGradient id="${id}" x1="0" y1="0" x2="${x2}" y2="${y2}">${stopsXml(stops)}</linearGradient>`);
  }

  /** A radial gradient; `attrs` places its centre and radius. Returns its id. */
  radial(key: string, attrs: string, stops: Stop[]): string {
    return this.def(key, (id) => `<radialGradient id="${id}" ${attrs}>${stopsXml(stops)}</radialGradient>`);
  }

  /** A gradient fill for a metal; `kind` picks the direction of the shine. */
  metal(m: MetalCode, kind: GradKind): string {
    const idx = METALS.findIndex((x) => x.code === m);
    const id = this.def(`m${idx}${kind}`, (gid) => {
      const stops = metalStops(m, kind);
      if (kind === 'r') return `<radialGradient id="${gid}" fx=".32" fy=".28" r=".62">${stops}</radialGradient>`;
      const dir = kind === 'h' || kind === 'hc' ? 'x2="1" y2="0"' : kind === 'd' ? 'x2="1" y2="1"' : 'x2="0" y2="1"';
      return `<linearGradient id="${gid}" x1="0" y1="0" ${dir}>${stops}</linearGradient>`;
    });
    return `url(#${id})`;
  }

  private spans = 0;

  /** A metal gradient laid across a fixed span of user space, so stacked shapes shade as one surface. */
  metalSpan(m: MetalCode, kind: GradKind, x0: number, y0: number, x1: number, y1: number): string {
    const id = this.def(`u${this.spans++}`, (gid) => {
      const stops = metalStops(m, kind);
      const horizontal = kind === 'h' || kind === 'hc';
      return `<linearGradient id="${gid}" gradientUnits="userSpaceOnUse" x1="${F(x0)}" y1="${F(y0)}" x2="${F(horizontal ? x1 : x0)}" y2="${F(horizontal ? y0 : y1)}">${stops}</linearGradient>`;
    });
    return `url(#${id})`;
  }

  shadow(cx: number, cy: number, rx: number, ry: number, opacity = 1): string {
    const id = this.def(
      'sh',
      (gid) =>
        `<radialGradient id="${gid}">${stopsXml([
          [0, '#4a3a2c', 0.32],
          [0.55, '#4a3a2c', 0.14],
          [1, '#4a3a2c', 0],
        ])}</radialGradient>`,
    );
    return `<ellipse cx="${F(cx)}" cy="${F(cy)}" rx="${F(rx)}" ry="${F(ry)}" fill="url(#${id})" opacity="${opacity}"/>`;
  }

  sparkle(x: number, y: number, size: number, opacity = 0.95): string {
    const id = this.def(
      'sp',
      (gid) =>
        `<g id="${gid}"><path d="M0-50L6-6 50 0 6 6 0 50-6 6-50 0-6-6Z" fill="#fff"/><path d="M0-22L3-3 22 0 3 3 0 22-3 3-22 0-3-3Z" fill="#fff" transform="rotate(45)"/><circle r="7" fill="#fff"/></g>`,
    );
    return `<use href="#${id}" transform="translate(${F(x)} ${F(y)}) scale(${sc(size / 50)})" opacity="${opacity}"/>`;
  }

  /** A stone seen from above, centred on (x, y), `r` pixels from centre to edge. */
  gem(stone: StoneCode, shape: GemShape, x: number, y: number, r: number, sx = 1, sy = 1, rot = 0): string {
    let id: string;
    let kx = sx;
    if (stone === 'pearl') id = this.pearlDef();
    else if (shape === 'emerald' || stone === 'emerald') id = this.emeraldDef(stone);
    else if (shape === 'pear' || shape === 'heart') id = this.brilliantDef(stone, shape);
    else if (r <= 12) id = this.miniDef(stone);
    else {
      id = this.brilliantDef(stone, 'round');
      if (shape === 'oval') kx *= 0.78;
    }
    const s = r / 50;
    return `<use href="#${id}" transform="translate(${F(x)} ${F(y)})${rot ? ` rotate(${F(rot)})` : ''} scale(${sc(s * kx)} ${sc(s * sy)})"/>`;
  }

  /** A stone seen from the side (table up), girdle centred on (x, y), `w` pixels wide. */
  gemSide(stone: StoneCode, x: number, y: number, w: number, rot = 0): string {
    if (stone === 'pearl') return this.gem(stone, 'round', x, y - w * 0.3, w * 0.46);
    const id = stone === 'emerald' ? this.emeraldSideDef() : this.brilliantSideDef(stone);
    const s = w / 100;
    return `<use href="#${id}" transform="translate(${F(x)} ${F(y)})${rot ? ` rotate(${F(rot)})` : ''} scale(${sc(s)})"/>`;
  }

  private pearlDef(): string {
    return this.def('pl', (id) => {
      const g = `${id}g`;
      return `<radialGradient id="${g}" cx=".5" cy=".5" r=".5" fx=".36" fy=".3">${stopsXml([
        [0, '#ffffff'],
        [0.22, '#fcf9f3'],
        [0.58, '#f1e9dc'],
        [0.86, '#d8cab5'],
        [1, '#bfae97'],
      ])}</radialGradient><g id="${id}"><circle r="50" fill="url(#${g})"/><ellipse cx="14" cy="20" rx="26" ry="18" fill="#f3d6dc" opacity=".28"/><ellipse cx="-17" cy="-19" rx="11" ry="7" fill="#fff" opacity=".85" transform="rotate(-35 -17 -19)"/><path d="M-34 22A42 42 0 0 0 30 34" fill="none" stroke="#fff" stroke-width="3" opacity=".35"/></g>`;
    });
  }

  private brilliantDef(stone: StoneCode, shape: 'round' | 'pear' | 'heart'): string {
    return this.def(`g${STONES.findIndex((s) => s.code === stone)}${shape[0]}`, (id) => {
      const shades = stoneShades(stone);
      const outline = outlinePoints(shape);
      return `<g id="${id}">${brilliantFacets(outline, shades, stone === 'diamond')}</g>`;
    });
  }

  /** A simpler cut for stones only a few pixels across. */
  private miniDef(stone: StoneCode): string {
    return this.def(`n${STONES.findIndex((s) => s.code === stone)}`, (id) => {
      const sh = stoneShades(stone);
      const P: Pt[] = [];
      const T: Pt[] = [];
      for (let k = 0; k < 8; k++) {
        P.push([50 * Math.sin(rad(k * 45)), -50 * Math.cos(rad(k * 45))]);
        T.push([30 * Math.sin(rad(k * 45 + 22.5)), -30 * Math.cos(rad(k * 45 + 22.5))]);
      }
      const tri = [4, 2, 5, 1, 3, 0, 4, 2];
      const facets = P.map((p0, k) => poly([p0, at(P, k + 1), at(T, k)], at(sh, at(tri, k)))).join('');
      return `<g id="${id}"><circle r="50" fill="${at(sh, 1)}"/>${facets}${poly(T, at(sh, 3))}<circle r="50" fill="none" stroke="${at(sh, 0)}" stroke-width="3" opacity=".6"/></g>`;
    });
  }

  private emeraldDef(stone: StoneCode): string {
    return this.def(`e${STONES.findIndex((s) => s.code === stone)}`, (id) => {
      return `<g id="${id}">${stepFacets(stoneShades(stone))}</g>`;
    });
  }

  private brilliantSideDef(stone: StoneCode): string {
    return this.def(`s${STONES.findIndex((s) => s.code === stone)}`, (id) => {
      return `<g id="${id}">${brilliantSide(stoneShades(stone), stone === 'diamond')}</g>`;
    });
  }

  private emeraldSideDef(): string {
    return this.def('es', (id) => `<g id="${id}">${emeraldSide(stoneShades('emerald'))}</g>`);
  }
}

function sc(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function poly(pts: Pt[], fill: string, extra = ''): string {
  return `<path d="M${pts.map(([x, y]) => `${F(x)} ${F(y)}`).join('L')}Z" fill="${fill}"${extra}/>`;
}

// ─── gem geometry (unit size: 50 px from centre to girdle) ───────────────────

function outlinePoints(shape: 'round' | 'pear' | 'heart'): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i < 16; i++) {
    const t = (i / 16) * Math.PI * 2;
    if (shape === 'round') pts.push([50 * Math.sin(t), -50 * Math.cos(t)]);
    else if (shape === 'pear') {
      // teardrop with the point at the top
      const x = 50 * Math.sin(t) * Math.sin(t / 2) ** 0.9;
      const y = -62 * Math.cos(t) + 8;
      pts.push([x * 1.02, y]);
    } else {
      const x = 16 * Math.sin(t) ** 3;
      const y = -(13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t));
      pts.push([x * 3.2, y * 3.2 - 8]);
    }
  }
  return pts;
}

function at<T>(arr: T[], i: number): T {
  const v = arr[((i % arr.length) + arr.length) % arr.length];
  if (v === undefined) throw new Error('empty array');
  return v;
}

function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** Brilliant-cut faceting for any 16-point outline: table, stars, kites and upper girdle facets. */
function brilliantFacets(P: Pt[], shades: string[], diamond: boolean): string {
  const c: Pt = [P.reduce((s, p) => s + p[0], 0) / P.length, P.reduce((s, p) => s + p[1], 0) / P.length];
  const T: Pt[] = [];
  const S: Pt[] = [];
  for (let k = 0; k < 8; k++) {
    T.push(lerp(c, at(P, 2 * k), 0.56));
    S.push(lerp(c, at(P, 2 * k + 1), 0.8));
  }
  const shade = (pts: Pt[], offset: number, k: number): string => {
    const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length - c[0];
    const my = pts.reduce((s, p) => s + p[1], 0) / pts.length - c[1];
    const light = Math.cos(Math.atan2(my, mx) - rad(-135));
    const alt = (((k * 5 + 2) % 3) - 1) * 0.22;
    const v = 0.5 + 0.32 * light + offset + alt;
    return at(shades, Math.max(0, Math.min(5, Math.round(v * 5))));
  };
  const out: string[] = [poly(P, at(shades, 1))];
  out.push(poly(T, diamond ? at(shades, 3) : at(shades, 2)));
  for (let k = 0; k < 8; k++) {
    const t0 = at(T, k);
    const t1 = at(T, k + 1);
    const s0 = at(S, k);
    const sPrev = at(S, k - 1);
    const p0 = at(P, 2 * k);
    const p1 = at(P, 2 * k + 1);
    const p2 = at(P, 2 * k + 2);
    out.push(poly([t0, t1, s0], shade([t0, t1, s0], 0.22, k)));
    out.push(poly([t0, sPrev, p0, s0], shade([t0, sPrev, p0, s0], -0.02, k + 3)));
    out.push(poly([s0, p0, p1], shade([s0, p0, p1], -0.18, k + 1)));
    out.push(poly([s0, p1, p2], shade([s0, p1, p2], 0.1, k + 2)));
  }
  if (diamond) {
    // a little fire: tinted facets
    out.push(poly([at(T, 2), at(T, 3), at(S, 2)], '#fff3d6', ' opacity=".8"'));
    out.push(poly([at(S, 5), at(P, 11), at(P, 12)], '#dcebff', ' opacity=".9"'));
    out.push(poly([at(T, 6), at(S, 5), at(P, 12), at(S, 6)], '#f6e4f2', ' opacity=".6"'));
  }
  // soft shine across the table
  out.push(
    poly([lerp(c, at(T, 6), 0.9), lerp(c, at(T, 7), 0.95), lerp(c, at(T, 1), 0.2), lerp(c, at(T, 4), 0.3)], '#fff', ' opacity=".28"'),
  );
  out.push(
    `<path d="M${P.map(([x, y]) => `${F(x)} ${F(y)}`).join('L')}Z" fill="none" stroke="${at(shades, 0)}" stroke-width="1.6" opacity=".7"/>`,
  );
  return out.join('');
}

/** Emerald (step) cut: concentric octagonal rings of facets round a long table. Portrait, 36 x 50. */
function stepFacets(shades: string[]): string {
  const hw = 36;
  const hh = 50;
  const cut = 11;
  const O: Pt[] = [
    [-hw + cut, -hh],
    [hw - cut, -hh],
    [hw, -hh + cut],
    [hw, hh - cut],
    [hw - cut, hh],
    [-hw + cut, hh],
    [-hw, hh - cut],
    [-hw, -hh + cut],
  ];
  const rings = [1, 0.8, 0.62, 0.46].map((s) => (s === 1 ? O : O.map(([x, y]) => [x * (s + 0.06), y * s] as Pt)));
  const out: string[] = [poly(O, at(shades, 1))];
  // light from the upper left: edge j faces outward at this angle
  const faceAngle = [-90, -45, 0, 45, 90, 135, 180, 225];
  for (let r = 0; r < 3; r++) {
    const a = at(rings, r);
    const b = at(rings, r + 1);
    for (let j = 0; j < 8; j++) {
      const light = Math.cos(rad(at(faceAngle, j)) - rad(-135));
      const v = 0.45 + 0.35 * light + (r === 1 ? -0.18 : r === 2 ? 0.14 : 0);
      out.push(poly([at(a, j), at(a, j + 1), at(b, j + 1), at(b, j)], at(shades, Math.max(0, Math.min(5, Math.round(v * 5))))));
    }
  }
  const table = at(rings, 3);
  out.push(poly(table, at(shades, 2)));
  out.push(poly([at(table, 7), at(table, 0), [6, -23], [-16, 10]], '#fff', ' opacity=".22"'));
  out.push(
    poly(
      [
        [4, 14],
        [16, -8],
        [16, 4],
        [8, 22],
      ],
      '#fff',
      ' opacity=".14"',
    ),
  );
  out.push(`<path d="M${O.map(([x, y]) => `${x} ${y}`).join('L')}Z" fill="none" stroke="${at(shades, 0)}" stroke-width="1.6"/>`);
  return out.join('');
}

/** A four-sided facet, symmetric about x = 0: half-width `w0` at height `y0`, `w1` at `y1`. */
function trapezoid(w0: number, y0: number, w1: number, y1: number): Pt[] {
  return [
    [-w0, y0],
    [w0, y0],
    [w1, y1],
    [-w1, y1],
  ];
}

/** A brilliant-cut stone from the side, girdle 100 wide at y = 0, table up. */
function brilliantSide(shades: string[], diamond: boolean): string {
  const G = [-50, -25, 0, 25, 50];
  const T = [-29, -14.5, 0, 14.5, 29];
  const out: string[] = [];
  const culet: Pt = [0, 44];
  const pv = [0, 3, 1, 4, 2, 5, 1, 3];
  for (let i = 0; i < 4; i++) {
    const l0: Pt = [at(G, i), 2.5];
    const l1: Pt = [at(G, i + 1), 2.5];
    const m0 = lerp(l0, culet, 0.45);
    const m1 = lerp(l1, culet, 0.45);
    out.push(poly([l0, l1, m1], at(shades, at(pv, i))));
    out.push(poly([l0, m1, m0], at(shades, at(pv, i + 4))));
    out.push(poly([m0, m1, culet], at(shades, (i * 2 + 1) % 5)));
  }
  out.push(`<rect x="-50" y="-.5" width="100" height="3.5" fill="${at(shades, 1)}"/>`);
  const cv = [4, 2, 5, 3, 1, 4, 2, 5];
  for (let i = 0; i < 4; i++) {
    const g0: Pt = [at(G, i), 0];
    const g1: Pt = [at(G, i + 1), 0];
    const t0: Pt = [at(T, i), -16];
    const t1: Pt = [at(T, i + 1), -16];
    out.push(poly([g0, t0, g1], at(shades, at(cv, i))));
    out.push(poly([t0, g1, t1], at(shades, at(cv, i + 4))));
  }
  out.push(poly(trapezoid(29, -16, 24, -20), diamond ? '#ffffff' : at(shades, 4)));
  if (diamond) {
    out.push(poly([[0, 2.5], [25, 2.5], lerp([25, 2.5], culet, 0.45)], '#fff1d2', ' opacity=".75"'));
    out.push(poly([[-50, 2.5], [-25, 2.5], lerp([-25, 2.5], culet, 0.45)], '#dbe9ff', ' opacity=".8"'));
  }
  out.push(
    `<path d="M-50 0L-29-16-24-20 24-20 29-16 50 0 50 3 0 44-50 3Z" fill="none" stroke="${at(shades, 0)}" stroke-width="1.2" opacity=".7"/>`,
  );
  return out.join('');
}

/** An emerald-cut stone from the side: stepped crown and pavilion. */
function emeraldSide(shades: string[]): string {
  const out: string[] = [];
  // crown: three steps up to the table
  out.push(poly(trapezoid(50, 0, 40, -9), at(shades, 3)));
  out.push(poly(trapezoid(40, -9, 33, -16), at(shades, 4)));
  out.push(poly(trapezoid(33, -16, 30, -19), at(shades, 5)));
  out.push(`<rect x="-50" y="0" width="100" height="3" fill="${at(shades, 1)}"/>`);
  // pavilion: three steps down, darkening
  out.push(poly(trapezoid(50, 3, 42, 14), at(shades, 2)));
  out.push(poly(trapezoid(42, 14, 32, 26), at(shades, 1)));
  out.push(poly(trapezoid(32, 26, 18, 36), at(shades, 0)));
  out.push(
    poly(
      [
        [-12, -16],
        [4, -16],
        [-4, 0],
        [-22, 0],
      ],
      '#fff',
      ' opacity=".2"',
    ),
  );
  return out.join('');
}

// ─── paths and sampling ──────────────────────────────────────────────────────

function ellipsePt(cx: number, cy: number, rx: number, ry: number, deg: number): Pt {
  return [cx + rx * Math.cos(rad(deg)), cy + ry * Math.sin(rad(deg))];
}

function arcPath(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): string {
  const [x0, y0] = ellipsePt(cx, cy, rx, ry, a0);
  const [x1, y1] = ellipsePt(cx, cy, rx, ry, a1);
  const large = Math.abs(a1 - a0) > 180 ? 1 : 0;
  const sweep = a1 > a0 ? 1 : 0;
  return `M${F(x0)} ${F(y0)}A${F(rx)} ${F(ry)} 0 ${large} ${sweep} ${F(x1)} ${F(y1)}`;
}

function bezier(p0: Pt, p1: Pt, p2: Pt, p3: Pt, n = 60): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const u = 1 - t;
    pts.push([
      u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
      u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1],
    ]);
  }
  return pts;
}

function ellipsePts(cx: number, cy: number, rx: number, ry: number, a0 = 0, a1 = 360, n = 180): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i <= n; i++) pts.push(ellipsePt(cx, cy, rx, ry, a0 + ((a1 - a0) * i) / n));
  return pts;
}

/** Points spaced `step` apart along a polyline, each with its direction in degrees. */
function along(pts: Pt[], step: number): Array<{ x: number; y: number; a: number }> {
  const out: Array<{ x: number; y: number; a: number }> = [];
  let carry = 0;
  for (let i = 1; i < pts.length; i++) {
    const p = at(pts, i - 1);
    const q = at(pts, i);
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    const a = (Math.atan2(q[1] - p[1], q[0] - p[0]) * 180) / Math.PI;
    let d = carry;
    while (d <= len) {
      const t = len === 0 ? 0 : d / len;
      out.push({ x: p[0] + (q[0] - p[0]) * t, y: p[1] + (q[1] - p[1]) * t, a });
      d += step;
    }
    carry = d - len;
  }
  return out;
}

function curveD(p0: Pt, p1: Pt, p2: Pt, p3: Pt): string {
  return `M${F(p0[0])} ${F(p0[1])}C${F(p1[0])} ${F(p1[1])} ${F(p2[0])} ${F(p2[1])} ${F(p3[0])} ${F(p3[1])}`;
}

// ─── metalwork building blocks ───────────────────────────────────────────────

interface TubeOpts {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** thickness of the metal as seen on the near rim */
  t: number;
  /** offset of the far rim from the near rim */
  fx: number;
  fy: number;
  surf: GradKind;
  rim?: GradKind;
  /** draw only an arc, in degrees (0 = right, 90 = front/bottom) */
  a0?: number;
  a1?: number;
}

/** A band of metal in perspective: a stack of rims from the far edge to the near edge. */
function tube(ctx: Ctx, m: MetalCode, o: TubeOpts): string {
  const steps = Math.max(3, Math.ceil(Math.hypot(o.fx, o.fy) / (o.t * (ctx.lite ? 0.7 : 0.45))));
  const shape = (cx: number, cy: number, attrs: string): string =>
    o.a0 === undefined || o.a1 === undefined
      ? `<ellipse cx="${F(cx)}" cy="${F(cy)}" rx="${F(o.rx)}" ry="${F(o.ry)}" fill="none" ${attrs}/>`
      : `<path d="${arcPath(cx, cy, o.rx, o.ry, o.a0, o.a1)}" fill="none" ${attrs}/>`;
  const out: string[] = [];
  const surf = ctx.metalSpan(
    m,
    o.surf,
    o.cx - o.rx - o.t / 2 + Math.min(0, o.fx),
    o.cy - o.ry - o.t / 2 + Math.min(0, o.fy),
    o.cx + o.rx + o.t / 2 + Math.max(0, o.fx),
    o.cy + o.ry + o.t / 2 + Math.max(0, o.fy),
  );
  for (let i = 0; i < steps; i++) {
    const f = 1 - i / steps;
    out.push(shape(o.cx + o.fx * f, o.cy + o.fy * f, `stroke="${surf}" stroke-width="${F(o.t)}"`));
  }
  out.push(shape(o.cx, o.cy, `stroke="${ctx.metal(m, o.rim ?? 'v')}" stroke-width="${F(o.t)}"`));
  // a crisp edge line and a glint along the near rim
  const t = tone(m);
  out.push(
    shape(o.cx, o.cy, `stroke="${t.lo}" stroke-width="1" opacity=".35"`)
      .replace(`rx="${F(o.rx)}"`, `rx="${F(o.rx + o.t / 2)}"`)
      .replace(`ry="${F(o.ry)}"`, `ry="${F(o.ry + o.t / 2)}"`),
  );
  out.push(
    `<path d="${arcPath(o.cx, o.cy, o.rx, o.ry, 200, 245)}" fill="none" stroke="#fff" stroke-width="${F(o.t * 0.22)}" stroke-linecap="round" opacity=".7"/>`,
  );
  return out.join('');
}

/** A tapering claw from (x0, y0) curving to a rounded tip at (x1, y1). */
function claw(ctx: Ctx, m: MetalCode, x0: number, y0: number, qx: number, qy: number, x1: number, y1: number, w: number): string {
  return `<path d="M${F(x0)} ${F(y0)}Q${F(qx)} ${F(qy)} ${F(x1)} ${F(y1)}" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="${F(w)}" stroke-linecap="round"/><circle cx="${F(x1)}" cy="${F(y1)}" r="${F(w * 0.62)}" fill="${ctx.metal(m, 'r')}"/>`;
}

/** Small rounded claw tips round a stone seen from above. */
function clawTips(ctx: Ctx, m: MetalCode, x: number, y: number, r: number, shape: GemShape, size: number, sy = 1): string {
  const out: string[] = [];
  const fill = ctx.metal(m, 'r');
  let spots: Pt[];
  if (shape === 'emerald')
    spots = (
      [
        [-0.72, -1],
        [0.72, -1],
        [0.72, 1],
        [-0.72, 1],
      ] as Pt[]
    ).map(([a, b]) => [a * r * 0.94, b * r * 0.92] as Pt);
  else if (shape === 'pear')
    spots = (
      [
        [0, -1.12],
        [0.86, 0.5],
        [-0.86, 0.5],
      ] as Pt[]
    ).map(([a, b]) => [a * r, b * r] as Pt);
  else if (shape === 'heart')
    spots = (
      [
        [0, 1.08],
        [0.95, -0.55],
        [-0.95, -0.55],
      ] as Pt[]
    ).map(([a, b]) => [a * r, b * r] as Pt);
  else {
    const kx = shape === 'oval' ? 0.78 : 1;
    spots = [45, 135, 225, 315].map((a) => [Math.cos(rad(a)) * r * 0.95 * kx, Math.sin(rad(a)) * r * 0.95] as Pt);
  }
  for (const [dx, dy] of spots) {
    out.push(`<ellipse cx="${F(x + dx)}" cy="${F(y + dy * sy)}" rx="${F(size)}" ry="${F(size * 1.15 * sy)}" fill="${fill}"/>`);
  }
  return out.join('');
}

/** A stone seen from above, held by claws. */
function clawSet(ctx: Ctx, m: MetalCode, stone: StoneCode, shape: GemShape, x: number, y: number, r: number, claw: number): string {
  return ctx.gem(stone, shape, x, y, r) + clawTips(ctx, m, x, y, r, shape, claw);
}

/** A main glint and a smaller, fainter one; each is [x, y, size]. */
function glints(ctx: Ctx, main: [number, number, number], second: [number, number, number]): string {
  return ctx.sparkle(...main) + ctx.sparkle(...second, 0.8);
}

function gemShapeFor(p: Piece): GemShape {
  if (p.stone === 'emerald') return 'emerald';
  if (/heart/i.test(p.name)) return 'heart';
  if (/oval|cocktail/i.test(p.name)) return 'oval';
  if (p.drawing === 'drop' || /\bdrop\b|pear/i.test(p.name)) return 'pear';
  return 'round';
}

// ─── rings ───────────────────────────────────────────────────────────────────

/** Upright ring, seen from the front and a little above, with a solitaire, halo or signet head. */
function ringUpright(ctx: Ctx, m: MetalCode, p: Piece): string {
  const signet = p.drawing === 'signet';
  const cx = 400;
  const cy = signet ? 500 : 515;
  const rx = 165;
  const ry = signet ? 150 : 158;
  const t = signet ? 18 : 14;
  const fx = 0;
  const fy = signet ? -44 : -26;
  const out: string[] = [ctx.shadow(cx + 6, cy + ry + 16, 200, 26)];
  out.push(tube(ctx, m, { cx, cy, rx, ry, t, fx, fy, surf: 'sU' }));
  const topX = cx + fx / 2;
  const topY = cy - ry - t / 2 + fy / 2;
  if (signet) out.push(signetHead(ctx, m, p, topX, topY));
  else if (p.drawing === 'halo') out.push(haloHead(ctx, m, p, topX, topY));
  else out.push(solitaireHead(ctx, m, p, topX, topY));
  return out.join('');
}

function solitaireHead(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number): string {
  const stone = p.stone ?? 'diamond';
  const out: string[] = [];
  if (stone === 'pearl') {
    out.push(
      `<path d="M${F(x - 16)} ${F(y + 4)}L${F(x - 22)} ${F(y - 26)}L${F(x + 22)} ${F(y - 26)}L${F(x + 16)} ${F(y + 4)}Z" fill="${ctx.metal(m, 'h')}"/>`,
    );
    out.push(`<ellipse cx="${F(x)}" cy="${F(y - 28)}" rx="30" ry="9" fill="${ctx.metal(m, 'v')}"/>`);
    out.push(ctx.gem('pearl', 'round', x, y - 86, 66));
    return out.join('');
  }
  const W = stone === 'emerald' ? 130 : 150;
  const gy = y - 104;
  const tipY = gy - W * 0.07;
  // rear claws and the little gallery under the stone
  out.push(claw(ctx, m, x - 8, y, x - W * 0.2, gy + 30, x - W * 0.2, tipY - 3, 9));
  out.push(claw(ctx, m, x + 8, y, x + W * 0.2, gy + 30, x + W * 0.2, tipY - 3, 9));
  out.push(ctx.gemSide(stone, x, gy, W));
  out.push(
    `<ellipse cx="${F(x)}" cy="${F(gy + 30)}" rx="${F(W * 0.22)}" ry="6" fill="none" stroke="${ctx.metal(m, 'v')}" stroke-width="5"/>`,
  );
  out.push(claw(ctx, m, x - 12, y + 2, x - W * 0.52, gy + 24, x - W * 0.43, tipY, 11));
  out.push(claw(ctx, m, x + 12, y + 2, x + W * 0.52, gy + 24, x + W * 0.43, tipY, 11));
  out.push(glints(ctx, [x - W * 0.18, gy - 14, 26], [x + W * 0.12, gy + 18, 14]));
  return out.join('');
}

function haloHead(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number): string {
  const stone = p.stone ?? 'diamond';
  const W = 124;
  const gy = y - 96;
  const hy = gy + 18;
  const hrx = W / 2 + 28;
  const hry = 20;
  const out: string[] = [];
  out.push(
    `<path d="M${F(x - 14)} ${F(y + 2)}Q${F(x - 30)} ${F(hy + 16)} ${F(x - hrx * 0.8)} ${F(hy + 6)}L${F(x + hrx * 0.8)} ${F(hy + 6)}Q${F(x + 30)} ${F(hy + 16)} ${F(x + 14)} ${F(y + 2)}Z" fill="${ctx.metal(m, 'h')}"/>`,
  );
  out.push(`<ellipse cx="${F(x)}" cy="${F(hy)}" rx="${F(hrx + 8)}" ry="${F(hry + 8)}" fill="${ctx.metal(m, 'v')}"/>`);
  const halo = (front: boolean): string => {
    const parts: string[] = [];
    for (let i = 0; i < 18; i++) {
      const a = (i / 18) * 360 + 10;
      const s = Math.sin(rad(a));
      if (front !== s >= 0) continue;
      const [gx, gy2] = ellipsePt(x, hy, hrx, hry, a);
      parts.push(ctx.gem('diamond', 'round', gx, gy2, 12, 1, 0.55));
    }
    return parts.join('');
  };
  out.push(halo(false));
  out.push(claw(ctx, m, x - W * 0.25, hy, x - W * 0.5, gy + 6, x - W * 0.42, gy - 7, 9));
  out.push(claw(ctx, m, x + W * 0.25, hy, x + W * 0.5, gy + 6, x + W * 0.42, gy - 7, 9));
  out.push(ctx.gemSide(stone, x, gy, W));
  out.push(`<path d="${arcPath(x, hy, hrx, hry, 0, 180)}" fill="none" stroke="${ctx.metal(m, 'v')}" stroke-width="16"/>`);
  out.push(halo(true));
  out.push(glints(ctx, [x - W * 0.2, gy - 12, 24], [x + hrx * 0.7, hy + 10, 12]));
  return out.join('');
}

function signetHead(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number): string {
  const out: string[] = [];
  const fy = y - 26;
  const frx = 112;
  const fry = 46;
  const depth = 30;
  // shoulders sweeping up into the head
  out.push(
    `<path d="M${F(x - 150)} ${F(y + 90)}Q${F(x - 140)} ${F(fy + 10)} ${F(x - frx)} ${F(fy + depth)}L${F(x + frx)} ${F(fy + depth)}Q${F(x + 140)} ${F(fy + 10)} ${F(x + 150)} ${F(y + 90)}Q${F(x)} ${F(y + 10)} ${F(x - 150)} ${F(y + 90)}Z" fill="${ctx.metal(m, 'sU')}"/>`,
  );
  out.push(`<ellipse cx="${F(x)}" cy="${F(fy + depth)}" rx="${frx}" ry="${fry}" fill="${ctx.metal(m, 'h')}"/>`);
  out.push(`<rect x="${F(x - frx)}" y="${F(fy)}" width="${frx * 2}" height="${depth}" fill="${ctx.metal(m, 'h')}"/>`);
  out.push(`<ellipse cx="${F(x)}" cy="${F(fy)}" rx="${frx}" ry="${fry}" fill="${ctx.metal(m, 'd')}"/>`);
  out.push(`<ellipse cx="${F(x)}" cy="${F(fy)}" rx="${frx - 4}" ry="${fry - 3}" fill="none" stroke="#fff" stroke-width="2" opacity=".5"/>`);
  if (p.stone) {
    out.push(`<ellipse cx="${F(x)}" cy="${F(fy)}" rx="52" ry="24" fill="${ctx.metal(m, 'v')}"/>`);
    out.push(ctx.gem(p.stone, 'emerald', x, fy, 44, 1, 0.4, 90));
    out.push(ctx.sparkle(x - 20, fy - 8, 16));
  } else {
    const lo = tone(m).lo;
    out.push(
      `<ellipse cx="${F(x)}" cy="${F(fy)}" rx="${frx - 16}" ry="${fry - 8}" fill="none" stroke="${lo}" stroke-width="2" opacity=".55"/>`,
    );
    out.push(
      `<path d="M${F(x - 34)} ${F(fy - 18)}L${F(x + 34)} ${F(fy - 18)}L${F(x + 30)} ${F(fy + 4)}Q${F(x)} ${F(fy + 26)} ${F(x - 30)} ${F(fy + 4)}Z" fill="none" stroke="${lo}" stroke-width="2.5" opacity=".6"/>`,
    );
    out.push(
      `<path d="M${F(x)} ${F(fy - 18)}L${F(x)} ${F(fy + 16)}M${F(x - 32)} ${F(fy - 6)}L${F(x + 32)} ${F(fy - 6)}" stroke="${lo}" stroke-width="2" opacity=".5"/>`,
    );
  }
  return out.join('');
}

/** A ring lying on its side, seen from above at an angle; optional stones along the front. */
function ringLying(
  ctx: Ctx,
  m: MetalCode,
  o: {
    cx: number;
    cy: number;
    rx: number;
    ry: number;
    t: number;
    h: number;
    stone?: StoneCode | null;
    from?: number;
    to?: number;
    step?: number;
    gem?: number;
    claws?: boolean;
  },
): string {
  const out: string[] = [tube(ctx, m, { cx: o.cx, cy: o.cy, rx: o.rx, ry: o.ry, t: o.t, fx: 0, fy: o.h, surf: 'sL' })];
  if (o.stone) {
    const r = o.h * (o.gem ?? 0.36);
    const from = o.from ?? 22;
    const to = o.to ?? 158;
    const step = o.step ?? 12;
    const lo = tone(m).lo;
    const outerPt = (a: number): Pt => ellipsePt(o.cx, o.cy, o.rx + o.t / 2, o.ry + o.t / 2, a);
    // points `step` degrees apart down the middle of the outer face, skipping those too far round the side to see
    const facePts = (first: number, last: number): Array<{ x: number; y: number; s: number }> => {
      const pts: Array<{ x: number; y: number; s: number }> = [];
      for (let a = first; a <= last + 0.01; a += step) {
        const s = Math.sin(rad(a));
        if (s < 0.3) continue;
        const [x, y0] = outerPt(a);
        pts.push({ x, y: y0 + o.h / 2, s });
      }
      return pts;
    };
    for (const { x, y, s } of facePts(from, to)) {
      if (!ctx.lite) out.push(`<ellipse cx="${F(x)}" cy="${F(y)}" rx="${F(r * 1.12 * s)}" ry="${F(r * 1.08)}" fill="${lo}" opacity=".5"/>`);
      out.push(ctx.gem(o.stone, 'round', x, y, r, s, 0.92));
    }
    // a pair of claws between each stone and the next
    const clawPts = o.claws !== false && !ctx.lite ? facePts(from - step / 2, to + step / 2) : [];
    for (const { x, y } of clawPts) {
      out.push(
        `<circle cx="${F(x)}" cy="${F(y - r * 0.78)}" r="${F(o.h * 0.07)}" fill="${ctx.metal(m, 'r')}"/><circle cx="${F(x)}" cy="${F(y + r * 0.78)}" r="${F(o.h * 0.07)}" fill="${ctx.metal(m, 'r')}"/>`,
      );
    }
    const [sx, sy] = outerPt(80);
    out.push(ctx.sparkle(sx, sy + o.h * 0.35, o.h * 0.32));
  }
  return out.join('');
}

/** Upright ring turned to three-quarters, showing the outer surface and the inside of the band. */
function ringAngled(ctx: Ctx, m: MetalCode, stone: StoneCode | null, thin: boolean): string {
  const cx = 432;
  const cy = 420;
  const rx = 118;
  const ry = 182;
  const t = thin ? 10 : 16;
  const fx = thin ? -44 : -78;
  const out: string[] = [ctx.shadow(cx - 30, cy + ry + 24, 190, 24)];
  out.push(tube(ctx, m, { cx, cy, rx, ry, t, fx, fy: -10, surf: 'h' }));
  if (stone) {
    const x = cx - rx - t / 2 + fx / 2 + 4;
    const y = cy - 10;
    out.push(ctx.gem(stone, 'round', x, y - 5, 18, 0.5, 1));
    out.push(clawTips(ctx, m, x, y - 5, 17, 'round', 4));
    out.push(ctx.sparkle(x, y - 10, 14));
  }
  return out.join('');
}

function ringMain(ctx: Ctx, m: MetalCode, p: Piece): string {
  switch (p.drawing) {
    case 'eternity':
      return (
        ctx.shadow(400, 556, 250, 38) +
        ringLying(ctx, m, {
          cx: 400,
          cy: 372,
          rx: 218,
          ry: 118,
          t: 14,
          h: 58,
          stone: p.stone,
          gem: 0.42,
          from: /half/i.test(p.name) ? 54 : 24,
          to: /half/i.test(p.name) ? 126 : 156,
          step: 12,
        })
      );
    case 'band':
      return ringAngled(ctx, m, null, false);
    case 'stacking': {
      const out: string[] = [ctx.shadow(400, 555, 240, 36)];
      out.push(ringLying(ctx, m, { cx: 400, cy: 436, rx: 200, ry: 106, t: 9, h: 20 }));
      out.push(ringLying(ctx, m, { cx: 400, cy: 396, rx: 200, ry: 106, t: 9, h: 20 }));
      out.push(
        ringLying(ctx, m, { cx: 400, cy: 356, rx: 200, ry: 106, t: 9, h: 24, stone: p.stone, from: 90, to: 90, gem: 0.75, claws: false }),
      );
      return out.join('');
    }
    default:
      return ringUpright(ctx, m, p);
  }
}

function ringDetail(ctx: Ctx, m: MetalCode, p: Piece): string {
  const out: string[] = [];
  const stone = p.stone ?? 'diamond';
  const shape = gemShapeFor(p);
  const bandTop = (w: number): string =>
    `<path d="M-20 ${F(400 - w)}Q400 ${F(400 - w - 30)} 820 ${F(400 - w)}L820 ${F(400 + w)}Q400 ${F(400 + w + 30)} -20 ${F(400 + w)}Z" fill="${ctx.metal(m, 'hc')}"/><path d="M-20 ${F(400 - w + 6)}Q400 ${F(400 - w - 24)} 820 ${F(400 - w + 6)}" fill="none" stroke="#fff" stroke-width="3" opacity=".45"/>`;
  switch (p.drawing) {
    case 'solitaire':
      out.push(ctx.shadow(410, 420, 330, 120, 0.8));
      out.push(bandTop(46));
      if (stone === 'pearl') {
        out.push(`<circle cx="400" cy="400" r="120" fill="${ctx.metal(m, 'r')}"/>`);
        out.push(ctx.gem('pearl', 'round', 400, 396, 176));
        break;
      }
      out.push(`<circle cx="400" cy="400" r="${shape === 'oval' ? 150 : 176}" fill="${ctx.metal(m, 'r')}" opacity=".9"/>`);
      out.push(clawSet(ctx, m, stone, shape, 400, 400, 170, 20));
      out.push(glints(ctx, [330, 330, 60], [470, 470, 30]));
      break;
    case 'halo': {
      out.push(ctx.shadow(410, 420, 330, 140, 0.8));
      out.push(bandTop(40));
      out.push(`<circle cx="400" cy="400" r="222" fill="${ctx.metal(m, 'r')}"/>`);
      for (let i = 0; i < 22; i++) {
        const a = (i / 22) * 360;
        const [x, y] = ellipsePt(400, 400, 192, 192, a);
        out.push(ctx.gem('diamond', 'round', x, y, 24));
      }
      out.push(`<circle cx="400" cy="400" r="160" fill="${ctx.metal(m, 'v')}"/>`);
      out.push(clawSet(ctx, m, stone, shape, 400, 400, 146, 16));
      out.push(glints(ctx, [340, 330, 54], [560, 300, 26]));
      break;
    }
    case 'eternity': {
      out.push(ctx.shadow(400, 430, 420, 150, 0.7));
      out.push(bandTop(84));
      const lo = tone(m).lo;
      for (let i = -3; i <= 3; i++) {
        const a = i * 24;
        const x = 400 + 420 * Math.sin(rad(a));
        const k = Math.cos(rad(a));
        out.push(`<ellipse cx="${F(x)}" cy="400" rx="${F(70 * k)}" ry="70" fill="${lo}" opacity=".5"/>`);
        out.push(ctx.gem(stone, 'round', x, 400, 64, k, 1));
        const xm = 400 + 420 * Math.sin(rad(a + 12));
        out.push(
          `<ellipse cx="${F(xm)}" cy="336" rx="${F(13 * Math.cos(rad(a + 12)))}" ry="15" fill="${ctx.metal(m, 'r')}"/><ellipse cx="${F(xm)}" cy="464" rx="${F(13 * Math.cos(rad(a + 12)))}" ry="15" fill="${ctx.metal(m, 'r')}"/>`,
        );
      }
      out.push(glints(ctx, [370, 370, 50], [560, 420, 26]));
      break;
    }
    case 'band':
      out.push(ctx.shadow(400, 560, 330, 60));
      out.push(ringLying(ctx, m, { cx: 400, cy: 380, rx: 290, ry: 150, t: 26, h: 96 }));
      break;
    case 'signet': {
      out.push(ctx.shadow(410, 420, 360, 220, 0.8));
      out.push(bandTop(70));
      out.push(`<ellipse cx="400" cy="412" rx="250" ry="206" fill="${ctx.metal(m, 'in')}"/>`);
      out.push(`<ellipse cx="400" cy="400" rx="244" ry="198" fill="${ctx.metal(m, 'd')}"/>`);
      out.push(`<ellipse cx="400" cy="400" rx="228" ry="182" fill="none" stroke="#fff" stroke-width="4" opacity=".45"/>`);
      if (p.stone) {
        out.push(`<rect x="272" y="302" width="256" height="196" rx="30" fill="${ctx.metal(m, 'v')}"/>`);
        out.push(ctx.gem(p.stone, 'emerald', 400, 400, 118, 1, 1, 90));
        out.push(ctx.sparkle(340, 356, 40));
      } else {
        const lo = tone(m).lo;
        out.push(`<ellipse cx="400" cy="400" rx="200" ry="158" fill="none" stroke="${lo}" stroke-width="3" opacity=".5"/>`);
        out.push(`<path d="M330 300L470 300L462 400Q400 480 338 400Z" fill="none" stroke="${lo}" stroke-width="6" opacity=".55"/>`);
        out.push(`<path d="M400 300L400 466M334 350L466 350" stroke="${lo}" stroke-width="4" opacity=".5"/>`);
        out.push(`<path d="M300 270Q400 240 500 270M300 530Q400 560 500 530" fill="none" stroke="${lo}" stroke-width="3" opacity=".4"/>`);
      }
      break;
    }
    default:
      return ringAngled(ctx, m, p.stone, true);
  }
  return out.join('');
}

// ─── display boxes ───────────────────────────────────────────────────────────

/** The outside of a jewellery box or tray, darkening downwards. */
function boxGradient(ctx: Ctx, colour: [string, string]): string {
  return ctx.linear('bx', 0, 1, [
    [0, colour[0]],
    [1, colour[1]],
  ]);
}

/** The cream satin lining a box lid. */
function satinGradient(ctx: Ctx): string {
  return ctx.linear('st', 1, 1, [
    [0, '#fbf7ef'],
    [0.5, '#eee4d2'],
    [1, '#f8f1e4'],
  ]);
}

/** An open lid standing up behind the box: the outer shell with its satin lining set just inside. */
function boxLid(box: string, satin: string, x: number, y: number, w: number, h: number, rx: number): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${rx}" fill="url(#${box})"/><rect x="${x + 24}" y="${y + 22}" width="${w - 48}" height="${h - 40}" rx="${rx - 10}" fill="url(#${satin})"/>`;
}

function ringBox(ctx: Ctx, m: MetalCode, p: Piece, colour: [string, string]): string {
  const box = boxGradient(ctx, colour);
  const satin = satinGradient(ctx);
  const out: string[] = [ctx.shadow(400, 690, 300, 40)];
  out.push(boxLid(box, satin, 180, 110, 440, 330, 34));
  out.push(`<path d="M204 420L596 420L630 470L170 470Z" fill="${colour[1]}"/>`);
  out.push(`<rect x="150" y="460" width="500" height="230" rx="26" fill="url(#${box})"/>`);
  out.push(`<rect x="176" y="470" width="448" height="120" rx="18" fill="${mix(colour[0], '#000', 0.25)}"/>`);
  out.push(`<g transform="translate(400 446) scale(.5) translate(-400 -480)">${ringMain(ctx, m, p)}</g>`);
  out.push(`<path d="M176 540Q400 520 624 540L624 600Q400 592 176 600Z" fill="${colour[0]}"/>`);
  out.push(`<path d="M176 540Q400 520 624 540" fill="none" stroke="#fff" stroke-width="2" opacity=".15"/>`);
  out.push(`<rect x="150" y="660" width="500" height="4" fill="#fff" opacity=".08"/>`);
  return out.join('');
}

// ─── necklaces ───────────────────────────────────────────────────────────────

function fineChain(m: MetalCode, d: string, w = 3): string {
  const t = tone(m);
  return `<path d="${d}" fill="none" stroke="${t.lo}" stroke-width="${F(w + 0.8)}"/><path d="${d}" fill="none" stroke="${t.base}" stroke-width="${F(w)}" stroke-dasharray="${F(w * 1.8)} ${F(w * 0.7)}"/><path d="${d}" fill="none" stroke="${t.vhi}" stroke-width="${F(w * 0.4)}" stroke-dasharray="${F(w * 0.7)} ${F(w * 1.8)}" opacity=".9"/>`;
}

type LinkStyle = 'belcher' | 'trace' | 'curb';

function linkStyle(name: string): LinkStyle {
  if (/curb/i.test(name)) return 'curb';
  if (/belcher/i.test(name)) return 'belcher';
  return 'trace';
}

function links(ctx: Ctx, m: MetalCode, style: LinkStyle, pts: Pt[], L: number): string {
  const key = `${style[0]}${Math.round(L)}${METALS.findIndex((x) => x.code === m)}`;
  const t = tone(m);
  const a = ctx.def(`la${key}`, (id) => {
    if (style === 'belcher')
      return `<g id="${id}"><ellipse rx="${F(L * 0.5)}" ry="${F(L * 0.44)}" fill="none" stroke="${t.lo}" stroke-width="${F(L * 0.24)}"/><ellipse rx="${F(L * 0.5)}" ry="${F(L * 0.44)}" fill="none" stroke="${ctx.metal(m, 'd')}" stroke-width="${F(L * 0.18)}"/></g>`;
    if (style === 'curb')
      return `<g id="${id}" transform="rotate(18)"><ellipse rx="${F(L * 0.62)}" ry="${F(L * 0.4)}" fill="none" stroke="${t.lo}" stroke-width="${F(L * 0.26)}"/><ellipse rx="${F(L * 0.62)}" ry="${F(L * 0.4)}" fill="none" stroke="${ctx.metal(m, 'd')}" stroke-width="${F(L * 0.2)}"/><path d="M${F(-L * 0.3)} ${F(-L * 0.42)}L${F(L * 0.3)} ${F(-L * 0.42)}" stroke="#fff" stroke-width="${F(L * 0.06)}" opacity=".7"/></g>`;
    return `<g id="${id}"><ellipse rx="${F(L * 0.58)}" ry="${F(L * 0.34)}" fill="none" stroke="${t.lo}" stroke-width="${F(L * 0.17)}"/><ellipse rx="${F(L * 0.58)}" ry="${F(L * 0.34)}" fill="none" stroke="${ctx.metal(m, 'd')}" stroke-width="${F(L * 0.12)}"/></g>`;
  });
  const b = ctx.def(`lb${key}`, (id) => {
    if (style === 'curb')
      return `<g id="${id}" transform="rotate(-18)"><ellipse rx="${F(L * 0.62)}" ry="${F(L * 0.4)}" fill="none" stroke="${t.lo}" stroke-width="${F(L * 0.26)}"/><ellipse rx="${F(L * 0.62)}" ry="${F(L * 0.4)}" fill="none" stroke="${ctx.metal(m, 'd')}" stroke-width="${F(L * 0.2)}"/><path d="M${F(-L * 0.3)} ${F(L * 0.42)}L${F(L * 0.3)} ${F(L * 0.42)}" stroke="#fff" stroke-width="${F(L * 0.06)}" opacity=".6"/></g>`;
    const rx = style === 'belcher' ? 0.52 : 0.6;
    return `<g id="${id}"><ellipse rx="${F(L * rx)}" ry="${F(L * 0.15)}" fill="${t.lo}"/><ellipse rx="${F(L * (rx - 0.04))}" ry="${F(L * 0.1)}" fill="${ctx.metal(m, 'v')}"/></g>`;
  });
  const spacing = (style === 'curb' ? L * 0.82 : style === 'belcher' ? L * 0.78 : L * 0.86) * (ctx.lite ? 1.12 : 1);
  // links go down in interlocking pairs: one lying flat, the next standing on edge
  const pair = ctx.def(
    `lp${key}`,
    (id) => `<g id="${id}"><use href="#${a}" x="${F(-spacing / 2)}"/><use href="#${b}" x="${F(spacing / 2)}"/></g>`,
  );
  const out: string[] = [];
  along(pts, spacing * 2).forEach((q) => {
    out.push(`<use href="#${pair}" transform="translate(${F(q.x)} ${F(q.y)}) rotate(${Math.round(q.a)})"/>`);
  });
  return out.join('');
}

/** A chain in the piece's own link style (read from its name) laid along `pts`; `sizes` is the link length for each style. */
function namedChain(ctx: Ctx, m: MetalCode, p: Piece, pts: Pt[], sizes: Record<LinkStyle, number>): string {
  const style = linkStyle(p.name);
  return links(ctx, m, style, pts, sizes[style]);
}

function lobsterClasp(ctx: Ctx, m: MetalCode, x: number, y: number, k: number, rot = 0): string {
  const t = tone(m);
  const body = ctx.metal(m, 'd');
  return `<g transform="translate(${F(x)} ${F(y)}) rotate(${rot}) scale(${sc(k)})"><ellipse cx="-40" cy="0" rx="8" ry="10" fill="none" stroke="${t.lo}" stroke-width="5.5"/><ellipse cx="-40" cy="0" rx="8" ry="10" fill="none" stroke="${body}" stroke-width="4"/><path d="M-30-4L-22-4" stroke="${body}" stroke-width="7"/><path d="M-22 2C-24-14-6-20 12-18C32-16 44-4 42 8C40 18 28 22 16 18" fill="none" stroke="${t.lo}" stroke-width="13" stroke-linecap="round"/><path d="M-22 2C-24-14-6-20 12-18C32-16 44-4 42 8C40 18 28 22 16 18" fill="none" stroke="${body}" stroke-width="10.5" stroke-linecap="round"/><path d="M-20 6L14 17" stroke="${t.lo}" stroke-width="4" stroke-linecap="round"/><path d="M-20 6L14 17" stroke="${t.hi}" stroke-width="2" stroke-linecap="round"/><rect x="-10" y="8" width="9" height="9" rx="2" fill="${body}" stroke="${t.lo}" transform="rotate(18 -6 12)"/><path d="M-8-14C4-19 22-17 32-10" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" opacity=".6"/></g>`;
}

/** The pendant itself, hanging from a bail whose top is at (x, y). */
function pendantBody(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number): string {
  const out: string[] = [];
  const lo = tone(m).lo;
  out.push(`<ellipse cx="${F(x)}" cy="${F(y + 14)}" rx="8" ry="15" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="5.5"/>`);
  if (p.drawing === 'locket') {
    const round = /round/i.test(p.name);
    const cy = y + (round ? 140 : 160);
    const rx = round ? 104 : 98;
    const ry = round ? 104 : 128;
    out.push(`<rect x="${F(x - 16)}" y="${F(y + 24)}" width="32" height="${F(cy - ry - y - 16)}" rx="8" fill="${ctx.metal(m, 'h')}"/>`);
    out.push(`<ellipse cx="${F(x + 5)}" cy="${F(cy + 6)}" rx="${rx}" ry="${ry}" fill="${lo}"/>`);
    out.push(`<ellipse cx="${F(x)}" cy="${F(cy)}" rx="${rx}" ry="${ry}" fill="${ctx.metal(m, 'd')}"/>`);
    out.push(
      `<ellipse cx="${F(x)}" cy="${F(cy)}" rx="${rx - 8}" ry="${ry - 8}" fill="none" stroke="${ctx.metal(m, 'v')}" stroke-width="7"/>`,
    );
    out.push(
      `<ellipse cx="${F(x)}" cy="${F(cy)}" rx="${rx - 18}" ry="${ry - 18}" fill="none" stroke="${lo}" stroke-width="1.6" opacity=".6"/>`,
    );
    // engraved sprays of leaves
    const leaves: string[] = [];
    const n = 9;
    for (let i = 0; i < n; i++) {
      const a = 110 + (i / (n - 1)) * 320;
      const [lx, ly] = ellipsePt(x, cy, rx - 34, ry - 34, a);
      leaves.push(
        `<path d="M0 0Q7-9 16 0Q7 9 0 0Z" transform="translate(${F(lx)} ${F(ly)}) rotate(${F(a + 90)})" fill="none" stroke="${lo}" stroke-width="1.8"/>`,
      );
    }
    out.push(
      `<g opacity=".55">${leaves.join('')}<path d="${arcPath(x, cy, rx - 34, ry - 34, 110, 430)}" fill="none" stroke="${lo}" stroke-width="1.6"/></g>`,
    );
    if (p.stone) {
      out.push(`<circle cx="${F(x)}" cy="${F(cy)}" r="30" fill="${ctx.metal(m, 'v')}"/>`);
      out.push(ctx.gem(p.stone, 'round', x, cy, 24));
      out.push(ctx.sparkle(x - 8, cy - 8, 16));
    } else {
      out.push(
        `<path d="M${F(x - 22)} ${F(cy)}Q${F(x)} ${F(cy - 26)} ${F(x + 22)} ${F(cy)}Q${F(x)} ${F(cy + 26)} ${F(x - 22)} ${F(cy)}Z" fill="none" stroke="${lo}" stroke-width="2" opacity=".55"/>`,
      );
    }
    out.push(
      `<path d="${arcPath(x, cy, rx - 6, ry - 6, 195, 250)}" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" opacity=".6"/>`,
    );
    return out.join('');
  }
  const stone = p.stone ?? 'diamond';
  if (stone === 'pearl') {
    out.push(
      `<path d="M${F(x - 18)} ${F(y + 34)}Q${F(x)} ${F(y + 20)} ${F(x + 18)} ${F(y + 34)}L${F(x + 12)} ${F(y + 44)}L${F(x - 12)} ${F(y + 44)}Z" fill="${ctx.metal(m, 'r')}"/>`,
    );
    out.push(ctx.gem('pearl', 'round', x, y + 98, 60));
    return out.join('');
  }
  const shape = gemShapeFor(p);
  const halo = /halo/i.test(p.name);
  const r = shape === 'emerald' ? 64 : halo ? 52 : 60;
  const cy = y + 28 + (shape === 'pear' ? r * 1.22 : shape === 'emerald' ? r * 1.06 : r + (halo ? 30 : 8));
  out.push(
    `<rect x="${F(x - 5)}" y="${F(y + 24)}" width="10" height="${F(Math.max(0, cy - r - y - 20))}" rx="4" fill="${ctx.metal(m, 'h')}"/>`,
  );
  if (halo) {
    out.push(`<circle cx="${F(x)}" cy="${F(cy)}" r="${F(r + 34)}" fill="${ctx.metal(m, 'r')}"/>`);
    for (let i = 0; i < 16; i++) {
      const [hx, hy] = ellipsePt(x, cy, r + 20, r + 20, (i / 16) * 360);
      out.push(ctx.gem('diamond', 'round', hx, hy, 11.5));
    }
  }
  if (shape === 'emerald')
    out.push(
      `<rect x="${F(x - r * 0.78)}" y="${F(cy - r * 1.06)}" width="${F(r * 1.56)}" height="${F(r * 2.12)}" rx="14" fill="${ctx.metal(m, 'd')}"/>`,
    );
  else if (!halo && (shape === 'round' || shape === 'oval'))
    out.push(
      `<ellipse cx="${F(x + 4)}" cy="${F(cy + 6)}" rx="${F(shape === 'oval' ? r * 0.8 : r)}" ry="${F(r)}" fill="${lo}" opacity=".35"/>`,
    );
  out.push(ctx.gem(stone, shape, x, cy, r));
  if (shape !== 'emerald') out.push(clawTips(ctx, m, x, cy, r, shape, 7.5));
  out.push(glints(ctx, [x - r * 0.35, cy - r * 0.3, r * 0.42], [x + r * 0.3, cy + r * 0.35, r * 0.2]));
  return out.join('');
}

function necklaceMain(ctx: Ctx, m: MetalCode, p: Piece): string {
  if (p.drawing === 'chain') {
    if (/bracelet/i.test(p.name)) return braceletMain(ctx, m, { ...p, drawing: 'charm' }, true);
    const pts = bezier([150, -20], [170, 800], [630, 800], [650, -20], 120);
    return ctx.shadow(420, 650, 200, 30, 0.5) + namedChain(ctx, m, p, pts, { curb: 30, belcher: 24, trace: 18 });
  }
  const out: string[] = [];
  const bx = 400;
  const by = p.drawing === 'locket' ? 360 : 390;
  out.push(fineChain(m, curveD([190, -10], [214, 200], [330, by - 40], [bx - 3, by + 4])));
  out.push(fineChain(m, curveD([610, -10], [586, 200], [470, by - 40], [bx + 3, by + 4])));
  out.push(`<g transform="translate(${bx} ${by}) scale(1.35) translate(-${bx} -${by})">${pendantBody(ctx, m, p, bx, by - 4)}</g>`);
  return out.join('');
}

/** Necklace laid flat in a loop: compact enough to sit side by side with other metals. */
function necklaceFlat(ctx: Ctx, m: MetalCode, p: Piece): string {
  if (p.drawing === 'chain') {
    if (/bracelet/i.test(p.name)) return braceletMain(ctx, m, { ...p, drawing: 'charm' }, true);
    const pts = ellipsePts(400, 400, 250, 270, -80, 260, 200);
    const chain = namedChain(ctx, m, p, pts, { curb: 28, belcher: 24, trace: 18 });
    return ctx.shadow(400, 440, 300, 320, 0.35) + chain + lobsterClasp(ctx, m, 448, 134, 1.4, 10);
  }
  const out: string[] = [];
  const top = p.drawing === 'locket' ? 90 : 120;
  const bot = p.drawing === 'locket' ? 380 : 420;
  const d = `M400 ${bot}C280 ${bot - 20} 215 ${bot - 100} 230 ${top + 110}C245 ${top + 30} 320 ${top} 400 ${top}C480 ${top} 555 ${top + 30} 570 ${top + 110}C585 ${bot - 100} 520 ${bot - 20} 400 ${bot}`;
  out.push(ctx.shadow(400, 700, 160, 24, 0.6));
  out.push(fineChain(m, d, 4));
  out.push(`<g transform="translate(400 ${bot}) scale(1.5) translate(-400 -${bot})">${pendantBody(ctx, m, p, 400, bot - 6)}</g>`);
  return out.join('');
}

/** Several metals at once: pendants hang side by side, chains are layered one below another. */
function necklacesTogether(ctx: Ctx, metals: MetalCode[], p: Piece): string {
  ctx.lite = true;
  const n = metals.length;
  const out: string[] = [];
  if (p.drawing === 'chain') {
    metals.forEach((m, i) => {
      const depth = 300 + i * (420 / n);
      const half = 150 + i * 60;
      const pts = bezier([400 - half, -20], [400 - half * 1.05, depth * 1.3], [400 + half * 1.05, depth * 1.3], [400 + half, -20], 90);
      out.push(namedChain(ctx, m, p, pts, { curb: 28, belcher: 25, trace: 22 }));
    });
    return out.join('');
  }
  const gap = 800 / n;
  const k = (n === 2 ? 1.5 : n === 3 ? 1.2 : 1) * (p.drawing === 'locket' ? 0.82 : 1);
  metals.forEach((m, i) => {
    const x = gap * (i + 0.5);
    const by = p.drawing === 'locket' ? 250 : 290;
    const spread = gap * 0.36;
    out.push(fineChain(m, curveD([x - spread, -10], [x - spread * 0.9, by * 0.5], [x - 20, by - 30], [x - 2, by + 4]), 2.6));
    out.push(fineChain(m, curveD([x + spread, -10], [x + spread * 0.9, by * 0.5], [x + 20, by - 30], [x + 2, by + 4]), 2.6));
    out.push(`<g transform="translate(${F(x)} ${by}) scale(${k}) translate(${F(-x)} -${by})">${pendantBody(ctx, m, p, x, by - 4)}</g>`);
  });
  return out.join('');
}

function necklaceDetail(ctx: Ctx, m: MetalCode, p: Piece): string {
  if (p.drawing === 'chain') {
    if (/bracelet/i.test(p.name)) return chainDetail(ctx, m, 'belcher');
    return chainDetail(ctx, m, linkStyle(p.name));
  }
  if (p.drawing === 'locket') return openLocket(ctx, m, p);
  const out: string[] = [];
  out.push(fineChain(m, 'M230 -10Q330 150 396 236', 5));
  out.push(fineChain(m, 'M570 -10Q470 150 404 236', 5));
  out.push(`<g transform="translate(400 200) scale(2) translate(-400 -200)">${pendantBody(ctx, m, p, 400, 222)}</g>`);
  return out.join('');
}

function chainDetail(ctx: Ctx, m: MetalCode, style: LinkStyle): string {
  const L = style === 'curb' ? 78 : style === 'belcher' ? 66 : 58;
  const pts = bezier([-40, 470], [200, 330], [420, 330], [590, 400], 80);
  return ctx.shadow(360, 520, 380, 60, 0.6) + links(ctx, m, style, pts, L) + lobsterClasp(ctx, m, 672, 428, 2.4, 20);
}

function openLocket(ctx: Ctx, m: MetalCode, p: Piece): string {
  const round = /round/i.test(p.name);
  const rx = round ? 150 : 136;
  const ry = round ? 150 : 180;
  const lo = tone(m).lo;
  const out: string[] = [ctx.shadow(400, 600, 380, 80, 0.7)];
  for (const side of [-1, 1]) {
    const x = 400 + side * (rx + 14);
    out.push(`<ellipse cx="${F(x + 6)}" cy="410" rx="${rx}" ry="${ry}" fill="${lo}"/>`);
    out.push(`<ellipse cx="${F(x)}" cy="404" rx="${rx}" ry="${ry}" fill="${ctx.metal(m, 'd')}"/>`);
    out.push(`<ellipse cx="${F(x)}" cy="404" rx="${rx - 16}" ry="${ry - 16}" fill="${ctx.metal(m, 'in')}"/>`);
    out.push(`<ellipse cx="${F(x)}" cy="404" rx="${rx - 30}" ry="${ry - 30}" fill="#efe8dc"/>`);
    out.push(`<ellipse cx="${F(x)}" cy="404" rx="${rx - 30}" ry="${ry - 30}" fill="none" stroke="${ctx.metal(m, 'v')}" stroke-width="8"/>`);
    out.push(
      `<path d="M${F(x - rx * 0.5)} ${F(404 - ry * 0.5)}L${F(x - rx * 0.1)} ${F(404 - ry * 0.62)}L${F(x + rx * 0.3)} ${F(404 + ry * 0.3)}L${F(x - rx * 0.05)} ${F(404 + ry * 0.45)}Z" fill="#fff" opacity=".35"/>`,
    );
  }
  out.push(`<rect x="384" y="360" width="32" height="90" rx="10" fill="${ctx.metal(m, 'h')}"/>`);
  out.push(`<path d="M384 382H416M384 405H416M384 428H416" stroke="${lo}" stroke-width="2"/>`);
  out.push(
    `<ellipse cx="${F(400 - rx - 14)}" cy="${F(404 - ry - 12)}" rx="12" ry="18" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="7"/>`,
  );
  return out.join('');
}

function bust(ctx: Ctx): string {
  const g = ctx.linear('bu', 1, 0, [
    [0, '#4f443d'],
    [0.3, '#74665c'],
    [0.48, '#86776b'],
    [0.7, '#6c5f56'],
    [1, '#463c36'],
  ]);
  return `${ctx.shadow(400, 760, 300, 30)}<path d="M346 80C344 150 346 210 338 252C330 296 256 316 200 336C146 356 118 400 118 460C118 560 146 660 190 730C300 776 500 776 610 730C654 660 682 560 682 460C682 400 654 356 600 336C544 316 470 296 462 252C454 210 456 150 454 80Z" fill="url(#${g})"/><ellipse cx="400" cy="80" rx="54" ry="12" fill="#a39385"/><path d="M190 730C300 776 500 776 610 730" fill="none" stroke="#2f2824" stroke-width="6" opacity=".35"/><path d="M240 390C300 410 350 414 384 406M560 390C500 410 450 414 416 406" fill="none" stroke="#000" stroke-width="4" opacity=".07"/><path d="M352 90C350 160 354 210 348 250" fill="none" stroke="#fff" stroke-width="10" opacity=".06"/>`;
}

function necklaceOnBust(ctx: Ctx, m: MetalCode, p: Piece): string {
  const out: string[] = [bust(ctx)];
  if (p.drawing === 'chain') {
    const pts = bezier([338, 214], [334, 500], [466, 500], [462, 214], 80);
    out.push(namedChain(ctx, m, p, pts, { curb: 22, belcher: 18, trace: 14 }));
    return out.join('');
  }
  out.push(fineChain(m, curveD([338, 216], [340, 330], [376, 410], [397, 436]), 2.6));
  out.push(fineChain(m, curveD([462, 216], [460, 330], [424, 410], [403, 436]), 2.6));
  out.push(`<g transform="translate(400 434) scale(.95) translate(-400 -434)">${pendantBody(ctx, m, p, 400, 432)}</g>`);
  return out.join('');
}

// ─── earrings ────────────────────────────────────────────────────────────────

function studAt(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number, r: number): string {
  const stone = p.stone ?? 'diamond';
  const shape = gemShapeFor(p) === 'emerald' ? 'emerald' : 'round';
  const out: string[] = [ctx.shadow(x + 12, y + 16, r * 1.25, r * 1.15, 0.9)];
  if (stone === 'pearl') {
    out.push(ctx.gem('pearl', 'round', x, y, r * 0.92));
    return out.join('');
  }
  if (shape === 'emerald')
    out.push(
      `<rect x="${F(x - r * 0.8)}" y="${F(y - r * 1.08)}" width="${F(r * 1.6)}" height="${F(r * 2.16)}" rx="10" fill="${ctx.metal(m, 'd')}"/>`,
    );
  else out.push(`<circle cx="${F(x)}" cy="${F(y)}" r="${F(r * 1.04)}" fill="${ctx.metal(m, 'r')}"/>`);
  out.push(clawSet(ctx, m, stone, shape, x, y, r, r * 0.12));
  out.push(ctx.sparkle(x - r * 0.34, y - r * 0.32, r * 0.42));
  return out.join('');
}

function hoopAt(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number, k: number): string {
  const huggie = p.stone !== null;
  const creole = /creole/i.test(p.name);
  const rx = (huggie ? 80 : 100) * k;
  const ry = (huggie ? 94 : 146) * k;
  const t = (huggie ? 24 : creole ? 15 : 13) * k;
  const out: string[] = [ctx.shadow(x + 10 * k, y + ry + 30 * k, rx * 1.1, 18 * k, 0.8)];
  out.push(tube(ctx, m, { cx: x, cy: y, rx, ry, t, fx: 16 * k, fy: -4 * k, surf: 'h', rim: 'd' }));
  if (creole)
    out.push(
      `<path d="${arcPath(x, y + ry * 0.03, rx + t * 0.1, ry + t * 0.2, 30, 150)}" fill="none" stroke="${ctx.metal(m, 'd')}" stroke-width="${F(t * 1.1)}" stroke-linecap="round"/>`,
    );
  // hinged snap: post across the top
  out.push(
    `<path d="M${F(x - 4 * k)} ${F(y - ry - t / 2 - 2 * k)}L${F(x + 22 * k)} ${F(y - ry + 10 * k)}" stroke="${ctx.metal(m, 'h')}" stroke-width="${F(5 * k)}" stroke-linecap="round"/>`,
  );
  if (huggie && p.stone) {
    for (let a = 30; a <= 150; a += 15) {
      const [sx, sy] = ellipsePt(x, y, rx, ry, a);
      out.push(ctx.gem(p.stone, 'round', sx, sy, t * 0.38));
    }
    const [gx, gy] = ellipsePt(x, y, rx, ry, 75);
    out.push(ctx.sparkle(gx, gy, 16 * k));
  }
  return out.join('');
}

function dropAt(ctx: Ctx, m: MetalCode, p: Piece, x: number, y: number, k: number): string {
  const stone = p.stone ?? 'diamond';
  const shape = stone === 'emerald' ? 'emerald' : stone === 'pearl' ? 'round' : 'pear';
  const out: string[] = [];
  const top = y - 170 * k;
  // stud at the top
  if (stone === 'pearl' || stone === 'emerald') {
    out.push(`<circle cx="${F(x)}" cy="${F(top)}" r="${F(20 * k)}" fill="${ctx.metal(m, 'r')}"/>`);
  } else {
    out.push(`<circle cx="${F(x)}" cy="${F(top)}" r="${F(26 * k)}" fill="${ctx.metal(m, 'r')}"/>`);
    out.push(clawSet(ctx, m, stone, 'round', x, top, 21 * k, 3.5 * k));
  }
  out.push(
    `<ellipse cx="${F(x)}" cy="${F(top + 40 * k)}" rx="${F(7 * k)}" ry="${F(13 * k)}" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="${F(4.5 * k)}"/>`,
  );
  out.push(`<path d="M${F(x)} ${F(top + 52 * k)}L${F(x)} ${F(top + 78 * k)}" stroke="${ctx.metal(m, 'h')}" stroke-width="${F(5 * k)}"/>`);
  if (stone === 'pearl') {
    out.push(
      `<path d="M${F(x - 16 * k)} ${F(top + 90 * k)}Q${F(x)} ${F(top + 72 * k)} ${F(x + 16 * k)} ${F(top + 90 * k)}L${F(x + 10 * k)} ${F(top + 98 * k)}L${F(x - 10 * k)} ${F(top + 98 * k)}Z" fill="${ctx.metal(m, 'r')}"/>`,
    );
    out.push(ctx.gem('pearl', 'round', x, top + 152 * k, 60 * k));
  } else if (shape === 'emerald') {
    const cy = top + 156 * k;
    out.push(
      `<rect x="${F(x - 48 * k)}" y="${F(cy - 72 * k)}" width="${F(96 * k)}" height="${F(144 * k)}" rx="${F(12 * k)}" fill="${ctx.metal(m, 'd')}"/>`,
    );
    out.push(ctx.gem(stone, 'emerald', x, cy, 64 * k));
    out.push(ctx.sparkle(x - 18 * k, cy - 22 * k, 22 * k));
  } else {
    const cy = top + 160 * k;
    out.push(clawSet(ctx, m, stone, 'pear', x, cy, 62 * k, 7 * k));
    out.push(ctx.sparkle(x - 18 * k, cy + 4 * k, 24 * k));
  }
  return out.join('');
}

function earringsMain(ctx: Ctx, m: MetalCode, p: Piece): string {
  // draw the left earring once and repeat it for the right
  const id = `${ctx.pid}ea${METALS.findIndex((x) => x.code === m)}`;
  const pair = (one: string, dx: number): string => `<g id="${id}">${one}</g><use href="#${id}" x="${dx}"/>`;
  switch (p.drawing) {
    case 'hoop':
      return pair(hoopAt(ctx, m, p, 262, 392, 1), 276);
    case 'drop':
      return ctx.shadow(400, 650, 260, 26, 0.6) + pair(dropAt(ctx, m, p, 290, 400, 1.25), 220);
    default:
      return pair(studAt(ctx, m, p, 278, 400, 92), 244);
  }
}

function earringDetail(ctx: Ctx, m: MetalCode, p: Piece): string {
  if (p.drawing === 'hoop') return hoopAt(ctx, m, p, 400, 390, p.stone ? 2.6 : 1.9);
  if (p.drawing === 'drop')
    return `${ctx.shadow(420, 740, 200, 30, 0.6)}<g transform="translate(400 410) scale(2.05) translate(-400 -330)">${dropAt(ctx, m, p, 400, 400, 1)}</g>`;
  // stud from the side: stone facing left, post and butterfly to the right
  const stone = p.stone ?? 'diamond';
  const t = tone(m);
  const out: string[] = [ctx.shadow(440, 560, 300, 40)];
  out.push(`<rect x="330" y="392" width="300" height="16" rx="8" fill="${ctx.metal(m, 'v')}"/>`);
  out.push(
    `<g transform="translate(560 400)"><ellipse cx="0" cy="0" rx="22" ry="96" fill="${ctx.metal(m, 'h')}"/><path d="M-4-90C30-90 40-40 14-30M-4 90C30 90 40 40 14 30" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="16" stroke-linecap="round"/><ellipse cx="0" cy="0" rx="10" ry="30" fill="${t.lo}"/><ellipse cx="-8" cy="-40" rx="4" ry="26" fill="#fff" opacity=".5"/></g>`,
  );
  if (stone === 'pearl') {
    out.push(`<path d="M330 360Q300 400 330 440L350 430L350 370Z" fill="${ctx.metal(m, 'r')}"/>`);
    out.push(ctx.gem('pearl', 'round', 230, 400, 130));
    return out.join('');
  }
  out.push(
    `<path d="M330 400L270 300M330 400L270 500M330 400L262 355M330 400L262 445" stroke="${ctx.metal(m, 'h')}" stroke-width="12" stroke-linecap="round"/>`,
  );
  out.push(`<ellipse cx="300" cy="400" rx="12" ry="62" fill="none" stroke="${ctx.metal(m, 'v')}" stroke-width="8"/>`);
  out.push(ctx.gemSide(stone, 250, 400, 250, -90));
  out.push(claw(ctx, m, 300, 300, 262, 268, 232, 280, 14));
  out.push(claw(ctx, m, 300, 500, 262, 532, 232, 520, 14));
  out.push(ctx.sparkle(196, 350, 40));
  return out.join('');
}

function earringBox(ctx: Ctx, m: MetalCode, p: Piece, colour: [string, string]): string {
  const box = boxGradient(ctx, colour);
  const satin = satinGradient(ctx);
  const pad = ctx.radial('pd', 'cx=".5" cy=".35" r=".8"', [
    [0, mix(colour[0], '#ffffff', 0.16)],
    [1, mix(colour[0], '#000000', 0.15)],
  ]);
  const out: string[] = [ctx.shadow(400, 704, 330, 40)];
  out.push(boxLid(box, satin, 170, 70, 460, 290, 30));
  out.push(`<path d="M150 360L650 360L700 600L100 600Z" fill="${colour[1]}"/>`);
  out.push(`<path d="M172 372L628 372L672 590L128 590Z" fill="url(#${pad})"/>`);
  out.push(`<path d="M100 600L700 600L700 672Q700 692 680 692L120 692Q100 692 100 672Z" fill="url(#${box})"/>`);
  out.push(`<path d="M100 600L700 600" stroke="#fff" stroke-width="2" opacity=".18"/>`);
  out.push(`<g transform="translate(400 480) scale(.58) translate(-400 -400)">${earringsMain(ctx, m, p)}</g>`);
  return out.join('');
}

// ─── bracelets ───────────────────────────────────────────────────────────────

const LOOP = { cx: 400, cy: 390, rx: 255, ry: 140 };

function charmShape(ctx: Ctx, m: MetalCode, kind: number, x: number, y: number, s: number, stone: StoneCode | null): string {
  const t = tone(m);
  const fill = ctx.metal(m, 'd');
  const ring = `<ellipse cx="${F(x)}" cy="${F(y - 4 * s)}" rx="${F(4 * s)}" ry="${F(6 * s)}" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="${F(2.2 * s)}"/>`;
  const g = (body: string): string => `${ring}<g transform="translate(${F(x)} ${F(y + 18 * s)}) scale(${sc(s)})">${body}</g>`;
  switch (kind % 5) {
    case 0: {
      let body = `<path d="M0 14C-20 0-20-16-10-16C-4-16 0-10 0-8C0-10 4-16 10-16C20-16 20 0 0 14Z" fill="${fill}" stroke="${t.lo}" stroke-width=".8"/>`;
      if (stone) body += ctx.gem(stone, 'heart', 0, -4, 6.5);
      return g(body);
    }
    case 1:
      return g(`<path d="M0-17L5-6 17-5 8 3 11 15 0 9-11 15-8 3-17-5-5-6Z" fill="${fill}" stroke="${t.lo}" stroke-width=".8"/>`);
    case 2:
      return g(
        `<path d="M-7-4V-10A7 7 0 0 1 7-10V-4" fill="none" stroke="${ctx.metal(m, 'h')}" stroke-width="3"/><rect x="-11" y="-5" width="22" height="20" rx="4" fill="${fill}"/><circle cx="0" cy="4" r="2.4" fill="${t.lo}"/>`,
      );
    case 3:
      return g(`<circle r="14" fill="${fill}"/><circle r="10" fill="none" stroke="${t.lo}" stroke-width=".8" opacity=".6"/>`);
    default:
      return g(
        `<path d="M-11 12A13 13 0 1 1 11 12" fill="none" stroke="${t.lo}" stroke-width="8" stroke-linecap="round"/><path d="M-11 12A13 13 0 1 1 11 12" fill="none" stroke="${fill}" stroke-width="6" stroke-linecap="round"/>`,
      );
  }
}

function braceletMain(ctx: Ctx, m: MetalCode, p: Piece, plainChain = false): string {
  const { cx, cy, rx, ry } = LOOP;
  const out: string[] = [];
  switch (p.drawing) {
    case 'bangle': {
      const heavy = /platinum|oxford/i.test(p.name);
      out.push(ctx.shadow(cx, cy + ry + 60, rx * 1.05, 40));
      out.push(
        ringLying(ctx, m, {
          cx,
          cy,
          rx: rx - 10,
          ry: ry - 6,
          t: heavy ? 22 : 14,
          h: heavy ? 56 : 44,
          stone: p.stone === 'diamond' ? p.stone : null,
          from: 60,
          to: 120,
          step: 6,
        }),
      );
      if (p.stone && p.stone !== 'diamond') {
        const fx = cx;
        const fy = cy + ry - 6 + 7 + 22;
        out.push(`<ellipse cx="${F(fx)}" cy="${F(fy)}" rx="44" ry="36" fill="${ctx.metal(m, 'd')}"/>`);
        out.push(ctx.gem(p.stone, 'round', fx, fy, 34, 1.22, 0.88));
        out.push(ctx.sparkle(fx - 14, fy - 10, 18));
      }
      return out.join('');
    }
    case 'cuff': {
      out.push(ctx.shadow(cx, cy + ry + 70, rx * 1.05, 42));
      out.push(tube(ctx, m, { cx, cy, rx: rx - 10, ry: ry - 6, t: 12, fx: 0, fy: 96, surf: 'sL', a0: -62, a1: 242 }));
      out.push(hammered(ctx, m, cx, cy, rx - 4, ry, 96, 1));
      return out.join('');
    }
    case 'tennis':
      return tennisLoop(ctx, m, p);
    default: {
      // charm bracelet (or a plain chain bracelet): a loop of links with charms hanging at the front
      const style: LinkStyle = /belcher|heirloom/i.test(p.name) ? 'belcher' : 'trace';
      const L = (style === 'belcher' ? 22 : 18) * (ctx.lite ? 1.15 : 1);
      out.push(ctx.shadow(cx, cy + ry + 40, rx, 36, 0.8));
      out.push(links(ctx, m, style, ellipsePts(cx, cy, rx, ry, 180, 360, 90), L));
      out.push(links(ctx, m, style, ellipsePts(cx, cy, rx, ry, 0, 180, 90), L));
      if (plainChain) {
        out.push(lobsterClasp(ctx, m, cx + rx * 0.5, cy + ry * 0.9, 1.3, -30));
        return out.join('');
      }
      [38, 64, 90, 116, 142].forEach((a, i) => {
        const [x, y] = ellipsePt(cx, cy, rx, ry, a);
        out.push(charmShape(ctx, m, i, x, y + 8, 3.3, i === 0 ? p.stone : null));
      });
      return out.join('');
    }
  }
}

/** Hand-hammered texture: a tile of small bright and dark facets laid over the front of the band. */
function hammered(ctx: Ctx, m: MetalCode, cx: number, cy: number, rx: number, ry: number, h: number, k: number, a0 = 30, a1 = 150): string {
  const t = tone(m);
  const id = ctx.def(`hp${Math.round(k * 10)}`, (pid) => {
    const dots: Array<[number, number, number]> = [
      [7, 6, 6],
      [24, 4, 5],
      [38, 9, 6.5],
      [15, 18, 5.5],
      [31, 21, 6],
      [4, 27, 5],
      [21, 31, 6],
      [40, 30, 5],
    ];
    const body = dots
      .map(
        ([x, y, r]) =>
          `<ellipse cx="${x + 1.5}" cy="${y + 1.5}" rx="${r}" ry="${F(r * 0.8)}" fill="${t.lo}" opacity=".16"/><ellipse cx="${x}" cy="${y}" rx="${r}" ry="${F(r * 0.8)}" fill="${t.vhi}" opacity=".24"/>`,
      )
      .join('');
    return `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="44" height="36" patternTransform="scale(${k})">${body}</pattern>`;
  });
  return `<path d="${arcPath(cx, cy + h / 2, rx, ry, a0, a1)}" fill="none" stroke="url(#${id})" stroke-width="${F(h * 0.84)}"/>`;
}

function tennisLoop(ctx: Ctx, m: MetalCode, p: Piece): string {
  const { cx, cy, rx, ry } = LOOP;
  const stone = p.stone ?? 'diamond';
  const out: string[] = [ctx.shadow(cx, cy + ry + 30, rx * 1.02, 34, 0.8)];
  out.push(`<ellipse cx="${cx}" cy="${cy + 6}" rx="${rx}" ry="${ry}" fill="none" stroke="${tone(m).lo}" stroke-width="10"/>`);
  const unit = ctx.def(`tu${METALS.findIndex((x) => x.code === m)}`, (id) => {
    if (stone === 'pearl')
      return `<g id="${id}"><ellipse cx="0" cy="8" rx="10" ry="8" fill="${ctx.metal(m, 'r')}"/>${ctx.gem('pearl', 'round', 0, 0, 17)}</g>`;
    return `<g id="${id}"><rect x="-24" y="-24" width="48" height="48" rx="14" fill="${ctx.metal(m, 'd')}"/>${ctx.gem(stone, 'round', 0, 0, 20)}${[45, 135, 225, 315].map((a) => `<circle cx="${F(Math.cos(rad(a)) * 20)}" cy="${F(Math.sin(rad(a)) * 20)}" r="4" fill="${tone(m).hi}" stroke="${tone(m).mid}"/>`).join('')}</g>`;
  });
  const n = ctx.lite ? 22 : 30;
  const items: Array<{ x: number; y: number; k: number; a: number }> = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 360 + 90;
    const [x, y] = ellipsePt(cx, cy, rx, ry, a);
    items.push({ x, y, k: 0.9 + 0.16 * Math.sin(rad(a)), a });
  }
  items.sort((u, v) => u.y - v.y);
  for (const it of items) {
    out.push(`<use href="#${unit}" transform="translate(${F(it.x)} ${F(it.y)}) scale(${sc(it.k)} ${sc(it.k * 0.62)})"/>`);
  }
  const [bx, by] = ellipsePt(cx, cy, rx, ry, 270);
  out.push(`<rect x="${F(bx - 26)}" y="${F(by - 12)}" width="52" height="24" rx="5" fill="${ctx.metal(m, 'd')}"/>`);
  if (stone !== 'pearl') {
    out.push(glints(ctx, [cx - 60, cy + ry + 2, 20], [cx + rx * 0.72, cy + ry * 0.7, 14]));
  }
  return out.join('');
}

function braceletDetail(ctx: Ctx, m: MetalCode, p: Piece): string {
  const out: string[] = [];
  switch (p.drawing) {
    case 'tennis': {
      const stone = p.stone ?? 'diamond';
      const pts = bezier([30, 520], [250, 300], [550, 300], [770, 520], 80);
      out.push(ctx.shadow(400, 500, 400, 90, 0.6));
      out.push(`<path d="M30 520C250 300 550 300 770 520" fill="none" stroke="${tone(m).lo}" stroke-width="26"/>`);
      for (const q of along(pts, 118)) {
        if (stone === 'pearl') {
          out.push(ctx.gem('pearl', 'round', q.x, q.y, 52));
          continue;
        }
        out.push(
          `<rect x="${F(q.x - 58)}" y="${F(q.y - 58)}" width="116" height="116" rx="30" fill="${ctx.metal(m, 'd')}" transform="rotate(${Math.round(q.a)} ${F(q.x)} ${F(q.y)})"/>`,
        );
        out.push(ctx.gem(stone, 'round', q.x, q.y, 47));
        out.push(clawTips(ctx, m, q.x, q.y, 49, 'round', 9));
      }
      if (stone !== 'pearl') out.push(ctx.sparkle(370, 330, 44));
      return out.join('');
    }
    case 'bangle':
    case 'cuff': {
      const cuff = p.drawing === 'cuff';
      out.push(ctx.shadow(400, 740, 440, 60));
      const h = cuff ? 230 : 130;
      out.push(tube(ctx, m, { cx: 400, cy: cuff ? 60 : 150, rx: 620, ry: 380, t: 30, fx: 0, fy: h, surf: 'sL', a0: 10, a1: 170 }));
      if (cuff) out.push(hammered(ctx, m, 400, 60, 635, 395, h, 1.7, 12, 168));
      else if (p.stone === 'diamond') {
        for (let a = 72; a <= 108; a += 6) {
          const [x, y0] = ellipsePt(400, 150, 635, 395, a);
          const k = Math.sin(rad(a));
          out.push(ctx.gem('diamond', 'round', x, y0 + h / 2, 44, k, 0.92));
          out.push(
            `<circle cx="${F(x - 34 * k)}" cy="${F(y0 + h / 2 - 36)}" r="7" fill="${ctx.metal(m, 'r')}"/><circle cx="${F(x - 34 * k)}" cy="${F(y0 + h / 2 + 36)}" r="7" fill="${ctx.metal(m, 'r')}"/>`,
          );
        }
        out.push(ctx.sparkle(380, 580, 40));
      } else if (p.stone) {
        out.push(`<ellipse cx="400" cy="${F(150 + 395 + h / 2)}" rx="120" ry="96" fill="${ctx.metal(m, 'd')}"/>`);
        out.push(ctx.gem(p.stone, 'round', 400, 150 + 395 + h / 2, 96, 1.2, 0.86));
        out.push(ctx.sparkle(360, 560, 40));
      }
      return out.join('');
    }
    default: {
      const style: LinkStyle = /belcher|heirloom/i.test(p.name) ? 'belcher' : 'trace';
      const pts = bezier([-40, 230], [250, 340], [550, 340], [840, 230], 80);
      out.push(ctx.shadow(400, 640, 360, 50, 0.6));
      out.push(links(ctx, m, style, pts, style === 'belcher' ? 50 : 42));
      [0.3, 0.5, 0.7].forEach((t, i) => {
        const q = at(along(pts, 20), Math.round(t * 44));
        out.push(charmShape(ctx, m, i, q.x, q.y + 14, 6.4, i === 0 ? p.stone : null));
      });
      return out.join('');
    }
  }
}

function braceletTray(ctx: Ctx, m: MetalCode, p: Piece, colour: [string, string]): string {
  const rim = boxGradient(ctx, colour);
  const bed = ctx.radial('pd', 'cx=".5" cy=".45" r=".7"', [
    [0, mix(colour[0], '#ffffff', 0.18)],
    [0.7, colour[0]],
    [1, mix(colour[0], '#000000', 0.2)],
  ]);
  const out: string[] = [ctx.shadow(400, 700, 380, 44)];
  out.push(
    `<path d="M170 160Q170 140 192 140L608 140Q630 140 632 160L712 640Q716 676 680 676L120 676Q84 676 88 640Z" fill="url(#${rim})"/>`,
  );
  out.push(
    `<path d="M200 170L600 170Q612 170 614 182L684 630Q686 648 668 648L132 648Q114 648 116 630L186 182Q188 170 200 170Z" fill="url(#${bed})"/>`,
  );
  out.push(`<path d="M200 170L600 170" stroke="#000" stroke-width="5" opacity=".2"/>`);
  out.push(`<g transform="translate(400 400) scale(.8) translate(-400 -400)">${braceletMain(ctx, m, p, p.drawing === 'chain')}</g>`);
  return out.join('');
}

// ─── composition ─────────────────────────────────────────────────────────────

type Scene = (ctx: Ctx, m: MetalCode) => string;

function svgDoc(ctx: Ctx, alt: string, bg: [string, string], body: string): string {
  const bgId = `${ctx.pid}bg`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 800" width="800" height="800" role="img" aria-label="${esc(alt)}"><defs><radialGradient id="${bgId}" cx=".5" cy=".42" r=".78">${stopsXml(
    [
      [0, bg[0]],
      [0.55, mix(bg[0], bg[1], 0.45)],
      [1, bg[1]],
    ],
  )}</radialGradient>${ctx.defs.join('')}</defs><rect width="800" height="800" fill="url(#${bgId})"/>${body}</svg>`;
}

function sideBySide(ctx: Ctx, metals: MetalCode[], scene: Scene): string {
  ctx.lite = true;
  const n = metals.length;
  // a row of cells centred at each x, all at height y and scale s
  const row = (y: number, s: number, ...xs: number[]): Array<[number, number, number]> => xs.map((x) => [x, y, s]);
  const cells =
    n === 2
      ? row(400, 0.54, 210, 590)
      : n === 3
        ? row(400, 0.4, 140, 400, 660)
        : [...row(215, 0.46, 215, 585), ...row(585, 0.46, 215, 585)];
  return metals
    .slice(0, 4)
    .map((m, i) => {
      const [x, y, s] = at(cells, i);
      return `<g transform="translate(${F(x - 400 * s)} ${F(y - 400 * s)}) scale(${s})">${scene(ctx, m)}</g>`;
    })
    .join('');
}

const RINGS: DrawingKind[] = ['solitaire', 'band', 'halo', 'eternity', 'signet', 'stacking'];
const NECKLACES: DrawingKind[] = ['pendant', 'locket', 'chain'];
const EARRINGS: DrawingKind[] = ['stud', 'hoop', 'drop'];

function detailAlt(p: Piece, metal: string): string {
  const stone = p.stone ? lowerLabel(stoneLabel(p.stone)) : '';
  switch (p.drawing) {
    case 'solitaire':
      return `Close-up of the ${stone || 'stone'} on the ${p.name}, seen from above in its claw setting, ${metal}`;
    case 'halo':
      return `Close-up of the ${p.name} from above, showing the ${stone} centre stone inside its halo of diamonds, ${metal}`;
    case 'eternity':
      return `Close-up of the ${stone}s set along the band of the ${p.name}, ${metal}`;
    case 'band':
      return `The ${p.name} lying on its side, showing its rounded court profile, ${metal}`;
    case 'signet':
      return `The face of the ${p.name} seen from above${p.stone ? `, showing the ${stone}` : ', ready for engraving'}, ${metal}`;
    case 'stacking':
      return `The ${p.name} standing upright, angled view, ${metal}`;
    case 'pendant':
      return `Close-up of the ${p.name} and its bail, ${metal}`;
    case 'locket':
      return `The ${p.name} opened to show the two frames inside, ${metal}`;
    case 'chain':
      return `Close-up of the links and clasp of the ${p.name}, ${metal}`;
    case 'stud':
      return `Side view of one of the ${p.name}, showing the setting, post and butterfly back, ${metal}`;
    case 'hoop':
      return `Angled close-up of one of the ${p.name}, showing the hinged snap fastening, ${metal}`;
    case 'drop':
      return `Close-up of one of the ${p.name}, ${metal}`;
    case 'tennis':
      return `Close-up of the settings and links of the ${p.name}, ${metal}`;
    case 'charm':
      return `Close-up of the charms on the ${p.name}, ${metal}`;
    default:
      return `Angled close-up of the ${p.name}, ${metal}`;
  }
}

/** At least 3 images for a product: 0 = main view in its main metal, 1 = a close-up/angled detail view, 2 = the piece shown in each of its metals side by side (or on a display bust/stand/box if it has one metal). */
export function drawProductImages(p: { name: string; drawing: DrawingKind; metals: MetalCode[]; stone: StoneCode | null }): DrawnImage[] {
  const piece: Piece = { name: p.name, drawing: p.drawing, metals: p.metals, stone: p.stone };
  const metals: MetalCode[] = p.metals.length > 0 ? [...p.metals] : ['9ct-yellow-gold'];
  const main = at(metals, 0);
  const h = hash(p.name);
  const pidBase = `j${h.toString(36).slice(0, 5)}`;
  const bgFor = (i: number): [string, string] => at(BACKDROPS, (h >>> 3) + i);
  const boxColour = at(BOX_COLOURS, h >>> 7);
  const mainWords = metalWords(main);
  const bracelet = p.drawing === 'chain' && /bracelet/i.test(p.name);

  let mainScene: Scene;
  let detailScene: Scene;
  let compactScene: Scene;
  let display: Scene;
  let displayWords: string;
  let multi: ((c: Ctx, ms: MetalCode[]) => string) | undefined;
  if (RINGS.includes(p.drawing)) {
    mainScene = (c, m) => ringMain(c, m, piece);
    detailScene = (c, m) => ringDetail(c, m, piece);
    compactScene = mainScene;
    display = (c, m) => ringBox(c, m, piece, boxColour);
    displayWords = 'displayed in an open ring box';
  } else if (NECKLACES.includes(p.drawing) && !bracelet) {
    mainScene = (c, m) => necklaceMain(c, m, piece);
    detailScene = (c, m) => necklaceDetail(c, m, piece);
    compactScene = (c, m) => necklaceFlat(c, m, piece);
    multi = (c, ms) => necklacesTogether(c, ms, piece);
    display = (c, m) => necklaceOnBust(c, m, piece);
    displayWords = 'worn on a velvet display bust';
  } else if (EARRINGS.includes(p.drawing)) {
    mainScene = (c, m) => earringsMain(c, m, piece);
    detailScene = (c, m) => earringDetail(c, m, piece);
    compactScene = mainScene;
    display = (c, m) => earringBox(c, m, piece, boxColour);
    displayWords = 'displayed as a pair in an open jewellery box';
  } else {
    mainScene = (c, m) => (bracelet ? braceletMain(c, m, piece, true) : braceletMain(c, m, piece));
    detailScene = (c, m) => (bracelet ? chainDetail(c, m, 'belcher') : braceletDetail(c, m, piece));
    compactScene = mainScene;
    display = (c, m) => braceletTray(c, m, piece, boxColour);
    displayWords = 'laid on a velvet display tray';
  }

  const images: DrawnImage[] = [];
  {
    const ctx = new Ctx(`${pidBase}0`);
    const alt = `${p.name} in ${mainWords}, front view`;
    images.push({ alt, svg: svgDoc(ctx, alt, bgFor(0), mainScene(ctx, main)) });
  }
  {
    const ctx = new Ctx(`${pidBase}1`);
    const alt = detailAlt(piece, `in ${mainWords}`);
    images.push({ alt, svg: svgDoc(ctx, alt, bgFor(1), detailScene(ctx, main)) });
  }
  {
    const ctx = new Ctx(`${pidBase}2`);
    if (metals.length > 1) {
      const shown = metals.slice(0, 4);
      const alt = `${p.name} shown side by side in ${listWords(shown.map(metalWords))}, ${shown.length > 3 ? 'left to right, top to bottom' : 'left to right'}`;
      images.push({ alt, svg: svgDoc(ctx, alt, bgFor(2), multi ? multi(ctx, shown) : sideBySide(ctx, shown, compactScene)) });
    } else {
      ctx.lite = true;
      const alt = `${p.name} in ${mainWords}, ${displayWords}`;
      images.push({ alt, svg: svgDoc(ctx, alt, bgFor(2), display(ctx, main)) });
    }
  }
  return images;
}
