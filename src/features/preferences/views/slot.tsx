/**
 * Where a cached catalogue page may carry a visitor's recently viewed pieces: an HTML comment in
 * the cached bytes, the same for everyone, replaced by the block only for a visitor who said yes.
 */
export const RECENT_MARKER = '<!--assay:recently-viewed-->';

export function RecentlyViewedSlot() {
  return <div class="recently-viewed-slot" dangerouslySetInnerHTML={{ __html: RECENT_MARKER }} />;
}
