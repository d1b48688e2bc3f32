import type { FastifyInstance } from 'fastify';

/** Account Home's "Download my data": the readable copy and the zip. */
export async function copyRoutes(_app: FastifyInstance): Promise<void> {}
