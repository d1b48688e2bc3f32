// Back office enhancement only: every form works without this file.
// Forms marked data-confirm ask before doing something hard to undo.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
