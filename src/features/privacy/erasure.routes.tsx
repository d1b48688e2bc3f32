import type { FastifyInstance } from 'fastify';

/** Account Home's "Delete my account", after the password is entered again. */
export async function erasureRoutes(_app: FastifyInstance): Promise<void> {}
