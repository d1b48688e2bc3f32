import type { FastifyInstance } from 'fastify';

/** Staff correcting a person's data on request (audited), and the partners to pass the correction on to. */
export async function rectificationAdminRoutes(_admin: FastifyInstance): Promise<void> {}
