// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add('js');

// Product page: show the price, VAT, stock and SKU of the chosen variant as the shopper changes the selects.
(() => {
  const form = document.querySelector('form.buy-form[data-variants]');
  if (!form) return;
  // data-variants holds "metal|size|length|pence|stock|sku" entries separated by ";".
  const variants = (form.getAttribute('data-variants') || '')
    .split(';')
    .filter(Boolean)
    .map((row) => {
      const [m, s, l, p, q, k] = row.split('|');
      return { m, s: s || null, l: l || null, p: Number(p), q: Number(q), k };
    });
  const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
  const priceEl = document.querySelector('[data-price]');
  const vatEl = document.querySelector('[data-vat]');
  const stockEl = document.querySelector('[data-stock]');
  const skuEl = document.querySelector('[data-sku]');
  const button = form.querySelector('button[type=submit]:not([formmethod])');
  const value = (name) => {
    const el = form.elements.namedItem(name);
    return el ? el.value : null;
  };
  const stockText = (q) => (q <= 0 ? 'Sold out' : q <= 2 ? `Only ${q} left` : 'In stock');
  function update() {
    const metal = value('metal');
    const size = value('size');
    const length = value('length');
    const forMetal = variants.filter((v) => v.m === metal);
    const match = forMetal.find((v) => (size === null || v.s === size) && (length === null || v.l === length));
    if (match) {
      priceEl.textContent = money.format(match.p / 100);
      vatEl.textContent = money.format(Math.round(match.p / 6) / 100);
      stockEl.textContent = stockText(match.q);
      stockEl.classList.toggle('stock-out', match.q <= 0);
      if (skuEl) skuEl.textContent = match.k;
      if (button) button.disabled = match.q <= 0;
    } else if (forMetal.length) {
      const low = Math.min(...forMetal.map((v) => v.p));
      priceEl.textContent = `From ${money.format(low / 100)}`;
      vatEl.textContent = money.format(Math.round(low / 6) / 100);
      stockEl.textContent = size === '' ? 'Choose a size to check availability' : '';
      if (button) button.disabled = false;
    }
  }
  form.addEventListener('change', update);
})();

// Checkout: hide the delivery address while "deliver to my billing address" is ticked.
(() => {
  const box = document.querySelector('input[data-toggles]');
  if (!box) return;
  const target = document.getElementById(box.getAttribute('data-toggles'));
  if (!target) return;
  const sync = () => {
    target.hidden = box.checked;
  };
  box.addEventListener('change', sync);
  sync();
})();
