import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { type Chrome, Layout, type PageMeta } from './views/layout.js';

export function renderDocument(chrome: Chrome, meta: PageMeta, body: VNode): string {
  return `<!doctype html>${renderToString(
    <Layout chrome={chrome} meta={meta}>
      {body}
    </Layout>,
  )}`;
}

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/**
 * A page for one visitor only (it carries a bag token or an order key, or shows their details):
 * never stored by a browser or proxy cache. The site-wide Referrer-Policy (same-origin) already
 * keeps such addresses from reaching other sites.
 */
export function privatePage(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}
