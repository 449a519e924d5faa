// Page behaviour without inline script (the Content-Security-Policy allows scripts from 'self' only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
