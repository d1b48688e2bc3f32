import type { FastifyInstance } from 'fastify';

/** Back-office catalogue management. */
export async function catalogAdminRoutes(_app: FastifyInstance): Promise<void> {}
