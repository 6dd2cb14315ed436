// The platform's one script (the Content-Security-Policy allows no inline script or event handler).
// Without it every page still works: the menu is simply shown open and forms have <noscript> buttons.
document.documentElement.classList.add("js");

// <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});

// The menu button on narrow screens opens and closes the main menu.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest(".menu-toggle");
  if (!button) return;
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  var open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", open ? "true" : "false");
  if (nav) nav.classList.toggle("open", open);
  // The section holding the current page opens with the menu.
  var current = open && nav && nav.querySelector("summary.active");
  if (current) current.parentElement.setAttribute("open", "");
});

// The menu's sections (<details>): one open at a time; a click elsewhere or Escape closes it.
function closeMenuSections(except) {
  document.querySelectorAll(".site-nav details[open]").forEach(function (el) {
    if (el !== except) el.removeAttribute("open");
  });
}
document.addEventListener("click", function (event) {
  if (!event.target.closest || event.target.closest(".menu-toggle")) return;
  closeMenuSections(event.target.closest(".site-nav details"));
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var open = document.querySelector(".site-nav details[open]");
  if (!open) return;
  open.removeAttribute("open");
  open.querySelector("summary").focus();
});

// A table or chart wider than its box scrolls inside it: make that box reachable from the keyboard.
function markScrollable() {
  document.querySelectorAll("main table, .table-wrap, .chart-box").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.setAttribute("tabindex", "0");
    } else if (el.getAttribute("tabindex") === "0") {
      el.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollable);
window.addEventListener("resize", markScrollable);
