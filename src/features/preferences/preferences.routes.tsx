import type { FastifyInstance } from 'fastify';

/** The cookie choices and the remembered selections (see CONTEXT.md). */
export async function preferencesRoutes(_app: FastifyInstance): Promise<void> {}
