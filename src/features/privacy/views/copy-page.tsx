import type { PersonalCopy } from '../copy.service.js';

/** The readable copy of a person's data, with a link to download it as a zip. */
export function CopyDocument({ copy, zipHref }: { copy: PersonalCopy; zipHref: string | null }) {
  return (
    <div class="copy">
      <p>{copy.madeAt}</p>
      {zipHref && <a href={zipHref}>Download</a>}
    </div>
  );
}
