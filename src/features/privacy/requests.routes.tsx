import type { FastifyInstance } from 'fastify';

/** The public "Your privacy rights" form, its confirmation link, and the answer link of an access request. */
export async function privacyRequestRoutes(_app: FastifyInstance): Promise<void> {}
