import type { FastifyInstance } from 'fastify';

/** The back office's privacy requests: intake of requests received by e-mail or post, handling, the clock. */
export async function privacyRequestsAdminRoutes(_admin: FastifyInstance): Promise<void> {}
