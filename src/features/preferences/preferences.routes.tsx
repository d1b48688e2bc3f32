import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from '../../http/errors.js';
import { parseInput, singleText } from '../../http/form-fields.js';
import { CHOICE_COOKIE, PREFS_COOKIE, readRemembered, withChoice, writeChoice } from './preferences.domain.js';
import { recordCookieChoice } from './preferences.service.js';
import { cookieOptions, setSelectionsCookie, visitorStanding } from './preferences.splice.js';

const choiceSchema = z.object({
  answer: singleText.pipe(z.enum(['yes', 'no'], { message: 'Please answer with one of the two buttons: Yes or No.' })),
  remember: singleText,
  back: singleText,
});

/** Where an answer returns to: a path on this shop only (never another site, never a scheme). */
function safeBack(back: string | undefined): string {
  if (!back || back.length > 300 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(back)) return '/cookies#choices';
  return back;
}

/** The cookie choices and the remembered selections (see CONTEXT.md). */
export async function preferencesRoutes(app: FastifyInstance): Promise<void> {
  // Forms in cached catalogue pages carry no token, so the post is checked by origin; it works
  // with cookies refused (the answer is then simply not kept).
  app.post('/preferences/choice', { config: { csrf: 'origin', rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = parseInput(choiceSchema, req.body);
    const back = safeBack(body.back);
    const standing = visitorStanding(req);
    // Global Privacy Control is a no that needs no answer: nothing is set, nothing recorded.
    if (standing.gpc) return reply.redirect(back, 303);
    const remembered = readRemembered(body.remember);
    if (body.remember && !remembered)
      throw badRequest('That size or chain length is not one we offer. Please go back and use the buttons on the page.');
    const policy = await app.privacy.policy(app.clock());
    const { visitorId } = await recordCookieChoice(
      app.db,
      { visitorId: standing.visitorId, answer: body.answer, remembered, policyVersion: policy.version },
      app.clock(),
    );
    reply.setCookie(CHOICE_COOKIE, writeChoice({ visitorId, answer: body.answer }), cookieOptions(reply));
    if (body.answer === 'yes') {
      const start = standing.answer === 'yes' && standing.selections ? standing.selections : { recent: [] };
      setSelectionsCookie(
        reply,
        remembered ? withChoice(start, remembered.kind === 'size' ? { size: remembered.size } : { length: remembered.length }) : start,
      );
    } else {
      reply.clearCookie(PREFS_COOKIE, { path: '/' });
    }
    reply.header('cache-control', 'no-store');
    return reply.redirect(back, 303);
  });
}
