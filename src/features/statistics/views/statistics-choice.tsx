import { OBJECTION_COOKIE } from '../statistics.domain.js';

/**
 * What the shop's visitor statistics are, in plain English: for /cookies and /privacy.
 */
export function StatisticsAbout() {
  return (
    <p>
      We count visits to this shop ourselves, to see which pages are useful and improve the rest: the pages viewed, how long a visit lasts,
      the site you came from (its name only), and the kind of browser and device. No cookie or browser storage is used for this. Your
      network address and browser are turned into a code that changes every day and whose key is deleted after 48 hours, so we cannot tell
      who you are, nor link one day's visits to another's; the address itself is never written down. The counts are shared with nobody and
      nothing is sent to any other site. Visits are not counted when your browser sends Global Privacy Control or Do Not Track, which need
      no cookie; or you can object here.
    </p>
  );
}

/**
 * The objection form: the visitor's current state and one button to change it. Objecting sets
 * one strictly necessary cookie, which remembers it; Global Privacy Control and Do Not Track need none.
 */
export function StatisticsChoice({ objected, signalled = false }: { objected: boolean; signalled?: boolean }) {
  return (
    <form method="post" action="/statistics/objection" class="statistics-choice" id="statistics">
      {signalled ? (
        <p>Your browser asks sites not to track you (Global Privacy Control or Do Not Track), so your visits are not counted.</p>
      ) : objected ? (
        <p>You asked us not to count your visits. This is remembered by one strictly necessary cookie, {OBJECTION_COOKIE}.</p>
      ) : (
        <p>Your visits are counted in our statistics. Objecting sets one strictly necessary cookie, {OBJECTION_COOKIE}, to remember it.</p>
      )}
      <input type="hidden" name="choice" value={objected ? 'allow' : 'object'} />
      <button type="submit" class="button">
        {objected ? 'Count my visits again' : "Don't count my visits"}
      </button>
    </form>
  );
}
