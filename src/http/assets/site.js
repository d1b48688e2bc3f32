// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add('js');

// Product page: show the price, VAT, stock and SKU of the chosen variant as the shopper changes the selects.
(function () {
  var form = document.querySelector('form.buy-form[data-variants]');
  if (!form) return;
  var variants = JSON.parse(form.getAttribute('data-variants') || '[]');
  var money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
  var priceEl = document.querySelector('[data-price]');
  var vatEl = document.querySelector('[data-vat]');
  var stockEl = document.querySelector('[data-stock]');
  var button = form.querySelector('button[type=submit]:not([formmethod])');
  function value(name) { var el = form.elements.namedItem(name); return el ? el.value : null; }
  function update() {
    var metal = value('metal'), size = value('size'), length = value('length');
    var forMetal = variants.filter(function (v) { return v.m === metal; });
    var match = forMetal.filter(function (v) {
      return (size === null || v.s === size) && (length === null || String(v.l) === length);
    })[0];
    if (match && (size === null || size !== '')) {
      priceEl.textContent = money.format(match.p / 100);
      vatEl.textContent = money.format(Math.round(match.p / 6) / 100);
      stockEl.textContent = match.q <= 0 ? 'Sold out' : match.q <= 2 ? 'Only ' + match.q + ' left' : 'In stock';
      stockEl.classList.toggle('stock-out', match.q <= 0);
      if (button) button.disabled = match.q <= 0;
    } else if (forMetal.length) {
      var low = Math.min.apply(null, forMetal.map(function (v) { return v.p; }));
      priceEl.textContent = 'From ' + money.format(low / 100);
      vatEl.textContent = money.format(Math.round(low / 6) / 100);
      stockEl.textContent = size === '' ? 'Choose a size to check availability' : '';
      if (button) button.disabled = false;
    }
  }
  form.addEventListener('change', update);
})();
