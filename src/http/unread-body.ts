import type { FastifyInstance } from 'fastify';

/**
 * A request answered before its body has arrived (refused from its headers alone: not signed in,
 * no permission, too large) gets `Connection: close`. Otherwise Node would keep the connection for
 * the next request and so read, and throw away, whatever is left of the body first: all 10 MB of
 * a refused upload. Closing lets the answer go out and the rest never be read.
 */
export function closeConnectionsWithUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    // `complete` is false until the whole request has been received (and undefined under inject).
    if (request.raw.complete === false) reply.header('connection', 'close');
  });
}
