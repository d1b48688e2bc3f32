export function ErrorPage({ status, title, message }: { status: number; title: string; message: string }) {
  return (
    <section class="error-page narrow">
      <p class="eyebrow">Error {status}</p>
      <h1>{title}</h1>
      <p class="lead">{message}</p>
      <p class="actions">
        <a class="button" href="/">
          Back to the shop
        </a>
        <a class="button button-quiet" href="/contact">
          Contact us
        </a>
      </p>
    </section>
  );
}
