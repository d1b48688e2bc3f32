import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lazy } from '../../shared/lazy.js';

/** Loaded at the first upload: the shop at rest needs no image library. */
const loadSharp = lazy<typeof import('sharp').default>('sharp');

/**
 * Product photos uploaded in the back office: checked by their content, resized to a few widths
 * as WebP, and kept as files under DATA_DIR/images (the database row only names them).
 */

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_TEXT = '10 MB';
/** The widths the shop serves; an image narrower than one of them is never enlarged to it. */
export const IMAGE_WIDTHS = [400, 800, 1600] as const;
/** Narrower than this, a photo looks blurred on the product page. */
export const MIN_IMAGE_WIDTH = 300;
/** A small file can unpack to an enormous bitmap ("decompression bomb"); larger pictures are refused before decoding. */
const MAX_INPUT_PIXELS = 100_000_000;
const WEBP_QUALITY = 82;

export type UploadFormat = 'jpeg' | 'png' | 'webp';

export type PreparedImage =
  | { ok: true; renditions: { width: number; data: Buffer }[] }
  | { ok: false; reason: 'empty' | 'not_a_photo' | 'unreadable' | 'too_many_pixels' | 'too_narrow'; width?: number };

/** What the first bytes of a file say it is. The file's name and declared type are never trusted. */
export function sniffFormat(bytes: Buffer): UploadFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** Checks an upload and makes its WebP renditions in memory; nothing is written yet. */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  const sniffed = sniffFormat(bytes);
  if (!sniffed) return { ok: false, reason: 'not_a_photo' };
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  let width: number;
  let height: number;
  try {
    const meta = await loadSharp()(bytes, options).metadata();
    // The decoder must agree with the magic bytes, so a file cannot pose as one format and be read as another.
    if (meta.format !== sniffed) return { ok: false, reason: 'not_a_photo' };
    width = meta.autoOrient.width;
    height = meta.autoOrient.height;
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  if (width * height > MAX_INPUT_PIXELS) return { ok: false, reason: 'too_many_pixels' };
  if (width < MIN_IMAGE_WIDTH) return { ok: false, reason: 'too_narrow', width };

  try {
    // Decoded once, turned upright from the camera's orientation tag, and scaled to the largest width we keep.
    const largest = Math.min(width, IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1] as number);
    const base = await loadSharp()(bytes, options).autoOrient().resize({ width: largest, withoutEnlargement: true }).raw().toBuffer({
      resolveWithObject: true,
    });
    const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
    const targets = [...new Set(IMAGE_WIDTHS.map((w) => Math.min(w, raw.width)))];
    const renditions: { width: number; data: Buffer }[] = [];
    for (const target of targets) {
      // No withMetadata()/keepMetadata(): sharp writes none of the original's EXIF, XMP or IPTC.
      // That matters: a phone photo can carry the GPS position of the jeweller's workshop or home.
      const { data, info } = await loadSharp()(base.data, { raw })
        .resize({ width: target, withoutEnlargement: true })
        .webp({ quality: WEBP_QUALITY })
        .toBuffer({ resolveWithObject: true });
      renditions.push({ width: info.width, data });
    }
    return { ok: true, renditions };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}

function imagesDir(dataDir: string): string {
  return join(dataDir, 'images');
}

/** Keys are random hex, made here, so a key from the database can never reach outside the images folder. */
const FILE_KEY = /^[a-f0-9]{32}$/;

export function imageFilePath(dataDir: string, fileKey: string, width: number): string {
  if (!FILE_KEY.test(fileKey) || !Number.isInteger(width)) throw new Error('invalid image file key');
  return join(imagesDir(dataDir), `${fileKey}-${width}.webp`);
}

/** Writes the renditions under a new key; on failure nothing is left behind. */
export async function storeImageFiles(
  dataDir: string,
  renditions: { width: number; data: Buffer }[],
): Promise<{ fileKey: string; widths: number[] }> {
  const fileKey = randomBytes(16).toString('hex');
  const widths = renditions.map((r) => r.width);
  await mkdir(imagesDir(dataDir), { recursive: true });
  try {
    for (const r of renditions) await writeFile(imageFilePath(dataDir, fileKey, r.width), r.data, { flag: 'wx' });
  } catch (err) {
    await removeImageFiles(dataDir, fileKey, widths);
    throw err;
  }
  return { fileKey, widths };
}

export async function removeImageFiles(dataDir: string, fileKey: string, widths: number[]): Promise<void> {
  await Promise.all(widths.map((w) => rm(imageFilePath(dataDir, fileKey, w), { force: true })));
}

/** The stored width nearest the one asked for; the largest when none is asked for. */
export function pickWidth(widths: number[], requested?: number): number | undefined {
  if (widths.length === 0) return undefined;
  const largest = Math.max(...widths);
  if (requested === undefined) return largest;
  let best = largest;
  for (const w of widths) {
    const closer = Math.abs(w - requested) < Math.abs(best - requested);
    const tieLarger = Math.abs(w - requested) === Math.abs(best - requested) && w > best;
    if (closer || tieLarger) best = w;
  }
  return best;
}

/** The bytes of one rendition, or null if the file has gone. */
export async function readImageFile(dataDir: string, fileKey: string, width: number): Promise<Buffer | null> {
  try {
    return await readFile(imageFilePath(dataDir, fileKey, width));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
