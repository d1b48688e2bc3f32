import type { FastifyInstance } from 'fastify';

/** Placeholder while the feature is built. */
export async function handoverAdminRoutes(_app: FastifyInstance): Promise<void> {}
