import type { FastifyInstance } from 'fastify';

/** Real browsers' User-Agents, and helpers to visit the shop as one of them from one network address. */
export const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0';
export const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
export const SAFARI_IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

export interface Visitor {
  ip: string;
  ua: string;
}

export async function view(app: FastifyInstance, url: string, who: Visitor, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, remoteAddress: who.ip, headers: { 'user-agent': who.ua, ...headers } });
}

export async function leave(app: FastifyInstance, page: string, who: Visitor, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/statistics/leave',
    remoteAddress: who.ip,
    headers: { 'user-agent': who.ua, referer: `${app.config.publicUrl}${page}`, 'sec-fetch-site': 'same-origin', ...headers },
  });
}

/** Every raw row, oldest first. */
export function rawRows(app: FastifyInstance) {
  return app.db.selectFrom('stats_page_views').selectAll().orderBy('at_ms').orderBy('kind').execute();
}
