import type { PersonalCopy } from '../copy.types.js';
import { CopyDocument } from './copy-page.js';

// The page is a download, opened from a file and never served with the shop's CSP, so its styles travel inside it.
const STYLE = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-weight:600}section{border-top:1px solid #ddd;margin-top:2rem}.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
.facts dt{color:#666}.facts dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}.inline-list{padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1rem}`;

/** The readable copy as a page of its own, for the zip. */
export function CopyFile({ copy, shopName }: { copy: PersonalCopy; shopName: string }) {
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Your data from ${shopName}`}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <h1>Your data from {shopName}</h1>
        <CopyDocument copy={copy} zipHref={null} />
      </body>
    </html>
  );
}
