import type { FastifyInstance } from 'fastify';

/** Back office > Statistics. */
export async function statisticsAdminRoutes(_admin: FastifyInstance): Promise<void> {}
