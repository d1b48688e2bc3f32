/** The one place that renders money. All amounts are integer pence. */
const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

export function formatPence(pence: number): string {
  return gbp.format(pence / 100);
}

/** VAT contained in a VAT-inclusive UK price at the standard 20 % rate, rounded to the penny. */
export function vatIncluded(pence: number): number {
  return Math.round(pence / 6);
}
