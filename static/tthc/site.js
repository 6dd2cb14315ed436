// The platform's one script (the Content-Security-Policy allows no inline script or event handler).
// <select data-autosubmit> submits its form when changed (a <noscript> button does it without script).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
