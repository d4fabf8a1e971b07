// socialops web workspace: small progressive enhancements only (every page works without it).
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // the workspace switcher goes as soon as a workspace is picked
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form && select.form.submit());
  }
  // narrow screens: the menu folds behind its button (CSS shows the button below 760 px)
  const menuButton = document.getElementById("menu-button");
  const menu = document.getElementById("menu");
  if (menuButton && menu) {
    menuButton.hidden = false;
    menuButton.addEventListener("click", () => {
      const open = menu.classList.toggle("open");
      menuButton.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        menu.classList.remove("open");
        menuButton.setAttribute("aria-expanded", "false");
        menuButton.focus();
      }
    });
  }
  // a table or card that scrolls sideways (a wide table on a phone) takes the keyboard focus,
  // so it can be scrolled with the arrow keys
  const scrollers = () => {
    for (const el of document.querySelectorAll("main table, main .card")) {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.tabIndex = 0;
        el.dataset.scrollFocus = "1";
      } else if (!scrolls && el.dataset.scrollFocus) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    }
  };
  scrollers();
  window.addEventListener("resize", scrollers);
  // forms that remove something ask first
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm || "")) event.preventDefault();
    });
  }
});
