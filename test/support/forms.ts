import type { FastifyInstance } from 'fastify';

/** Cookies from a response, as a Cookie header value for the next request. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list.map((c) => c.split(';')[0]).join('; ');
}

/** Loads a page with a form, as a browser would, and returns its CSRF token and cookies. */
export async function openForm(app: FastifyInstance, url: string): Promise<{ csrf: string; cookie: string; html: string }> {
  const res = await app.inject({ method: 'GET', url });
  const match = res.body.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error(`no CSRF field on ${url} (status ${res.statusCode})`);
  return { csrf: match[1], cookie: cookieHeader(res.headers['set-cookie']), html: res.body };
}

export function formBody(fields: Record<string, string | string[]>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) sp.append(k, item);
  return sp.toString();
}

/** Posts a form the way a browser does after opening the page. */
export async function submitForm(app: FastifyInstance, pageUrl: string, action: string, fields: Record<string, string | string[]>) {
  const { csrf, cookie } = await openForm(app, pageUrl);
  return app.inject({
    method: 'POST',
    url: action,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: formBody({ _csrf: csrf, ...fields }),
  });
}
