// socialops web workspace: small progressive enhancements only (every page works without it).
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // the workspace switcher goes as soon as a workspace is picked
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form && select.form.submit());
  }
  // forms that remove something ask first
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm || "")) event.preventDefault();
    });
  }
});
