// Back office enhancement only: every form works without this file.
// Forms marked data-confirm ask before doing something hard to undo.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
// A form marked data-confirm-ticked asks before sending its ticked boxes marked data-confirm-item,
// naming each: "Remove ASY-R001-9YG-J, ASY-R001-9YG-K?"
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.confirmTicked === undefined) return;
  const ticked = [...form.querySelectorAll('input[type="checkbox"][data-confirm-item]:checked')].map((box) => box.dataset.confirmItem);
  if (ticked.length > 0 && !window.confirm(`${form.dataset.confirmTicked} ${ticked.join(', ')}?`)) event.preventDefault();
});
