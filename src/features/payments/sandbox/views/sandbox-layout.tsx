import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * The frame of every sandbox page: a neutral hosted-payment look, one stylesheet served by the
 * sandbox itself, no script at all (the pages work as plain HTML forms).
 */
export function renderSandboxPage(title: string, body: ComponentChildren): string {
  return `<!doctype html>${renderToString(
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} | Payment sandbox`}</title>
        <link rel="stylesheet" href="/sandbox.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="gateway-header">
          <p class="test-banner">
            <strong>Test payment page — no real card is charged.</strong> This imitates Opayo's hosted payment page for development and
            demos.
          </p>
          <div class="gateway-bar">
            <div class="gateway-inner">
              <span class="gateway-brand">
                Payment <span>sandbox</span>
              </span>
              <span class="gateway-secure">Secure payment page</span>
            </div>
          </div>
        </header>
        <main id="main" class="gateway-main">
          {body}
        </main>
        <footer class="gateway-footer">
          <div class="gateway-inner">
            <p>Card details entered here are checked and discarded: never stored, never logged, never sent anywhere.</p>
          </div>
        </footer>
      </body>
    </html>,
  )}`;
}
