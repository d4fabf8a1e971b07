// The inbox: keyboard shortcuts, live updates (server-sent events from /w/{ws}/inbox/events:
// the list, the conversation and who else is in it change without a reload), presence while
// typing, the saved replies picker and the reply's length counter. Every action also works
// without this script (forms).
"use strict";
(() => {
  const root = document.getElementById("inbox");
  if (!root) return;
  const ws = root.dataset.ws;
  const current = root.dataset.conversation || "";
  const csrf = root.dataset.csrf || "";
  const canWork = root.dataset.canWork === "1";
  const live = document.getElementById("live");
  const text = document.getElementById("reply-text");
  const count = document.getElementById("reply-count");

  // -- the reply's length, counted as the channel counts it ------------------------------------
  const measure = (value, unit) => {
    if (unit === "graphemes" && window.Intl && Intl.Segmenter) {
      return [...new Intl.Segmenter().segment(value)].length;
    }
    if (unit === "x_weighted" || unit === "weighted") {
      let n = 0;
      for (const ch of value) n += /[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 2 : 1;
      return n;
    }
    if (unit === "utf16") return value.length;
    if (unit === "utf8_bytes") return new TextEncoder().encode(value).length;
    return [...value].length;
  };
  const recount = () => {
    if (!text || !count) return;
    const n = measure(text.value, text.dataset.unit || "chars");
    count.textContent = String(n);
    const max = Number(text.dataset.max || 0);
    count.parentElement.classList.toggle("over", max > 0 && n > max);
  };
  if (text) {
    text.addEventListener("input", recount);
    recount();
  }

  // -- saved replies: the picked one goes into the reply box ------------------------------------
  const picker = document.getElementById("saved-picker");
  if (picker && text) {
    picker.addEventListener("change", () => {
      const opt = picker.selectedOptions[0];
      if (!opt || !opt.dataset.text) return;
      text.value = text.value ? text.value + "\n" + opt.dataset.text : opt.dataset.text;
      picker.value = "";
      recount();
      text.focus();
    });
  }

  // -- presence: viewing on open, typing while typing (at most every 5 s) -----------------------
  let lastTouch = 0;
  const touch = (state) => {
    if (!current || !canWork) return;
    const now = Date.now();
    if (state === "typing" && now - lastTouch < 5000) return;
    lastTouch = now;
    fetch(`/api/v1/workspaces/${ws}/conversations/${encodeURIComponent(current)}/presence`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ state }),
      credentials: "same-origin",
    }).catch(() => {});
  };
  if (text) text.addEventListener("input", () => touch("typing"));
  setInterval(() => touch("viewing"), 20000);

  // -- live updates -----------------------------------------------------------------------------
  const swap = (doc, id) => {
    const mine = document.getElementById(id);
    const theirs = doc.getElementById(id);
    if (mine && theirs) mine.innerHTML = theirs.innerHTML;
  };
  let pending = null;
  const refresh = (which) => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const res = await fetch(location.pathname + location.search, { credentials: "same-origin" });
        if (!res.ok) return;
        const doc = new DOMParser().parseFromString(await res.text(), "text/html");
        const before = new Set([...document.querySelectorAll("li.conv")].map((li) => li.dataset.id));
        swap(doc, "inbox-list");
        for (const li of document.querySelectorAll("li.conv")) {
          if (!before.has(li.dataset.id)) li.classList.add("fresh");
        }
        if (which.has("thread")) {
          for (const id of ["thread", "case-bar", "replies", "profile"]) swap(doc, id);
        }
        if (live) live.textContent = root.dataset.newLabel || "";
        focusAt(-1);
      } catch (e) {
        /* the next event tries again */
      }
    }, 150);
  };
  const showPresence = (others) => {
    const box = document.getElementById("presence");
    if (!box) return;
    box.textContent = "";
    for (const [user, state] of others) {
      const chip = document.createElement("span");
      chip.className = `chip presence-${state}`;
      // the catalogue's words ("{user} 님이 보는 중" / "… 입력 중"), from the page
      const label = (state === "typing" ? box.dataset.typing : box.dataset.viewing) || "{user}";
      chip.textContent = label.split("{user}").join(user);
      box.appendChild(chip);
    }
  };
  if (window.EventSource) {
    const url = `/w/${ws}/inbox/events${current ? "?c=" + encodeURIComponent(current) : ""}`;
    const source = new EventSource(url, { withCredentials: true });
    const kinds = ["message_in", "message_out", "note", "assigned", "status", "reply_queued",
      "reply_approved", "reply_rejected", "reply_sent", "reply_failed", "sla_warning",
      "sla_breach", "crisis", "contact"];
    for (const kind of kinds) {
      source.addEventListener(kind, (ev) => {
        let data = {};
        try { data = JSON.parse(ev.data); } catch (e) { /* keep the list fresh anyway */ }
        const which = new Set(["list"]);
        if (current && data.conversation_id === current) which.add("thread");
        refresh(which);
      });
    }
    source.addEventListener("presence", (ev) => {
      try { showPresence(JSON.parse(ev.data).others || []); } catch (e) { /* ignore */ }
    });
    root.dataset.live = "1";
    window.addEventListener("pagehide", () => source.close());
  }

  // -- keyboard shortcuts ------------------------------------------------------------------------
  let focused = -1;
  const items = () => [...document.querySelectorAll("#conversations li.conv a")];
  const focusAt = (i) => {
    const all = items();
    if (!all.length) return;
    if (i < 0) i = all.findIndex((a) => a.getAttribute("aria-current") === "true");
    focused = Math.max(0, Math.min(all.length - 1, i));
    for (const li of document.querySelectorAll("li.conv.focused")) li.classList.remove("focused");
    all[focused].parentElement.classList.add("focused");
    return all[focused];
  };
  const help = document.getElementById("shortcuts");
  const helpButton = document.getElementById("help-button");
  const toggleHelp = () => {
    if (!help) return;
    help.hidden = !help.hidden;
    if (helpButton) helpButton.setAttribute("aria-expanded", String(!help.hidden));
  };
  if (helpButton) helpButton.addEventListener("click", toggleHelp);
  const submit = (id) => {
    const form = document.getElementById(id);
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  };
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (typing) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    const key = ev.key;
    if (key === "j" || key === "k") {
      const all = items();
      const here = all.findIndex((a) => a.getAttribute("aria-current") === "true");
      const next = (focused >= 0 ? focused : here) + (key === "j" ? 1 : -1);
      const link = all.length ? focusAt(here < 0 && key === "j" && focused < 0 ? 0 : next) : null;
      if (link) location.href = link.href;
    } else if (key === "r" || key === "n") {
      const radio = document.getElementById(key === "r" ? "kind-reply" : "kind-note");
      if (radio) radio.checked = true;
      if (text) text.focus();
    } else if (key === "a") {
      submit("assign-me-form");
    } else if (key === "e") {
      submit("resolve-form");
    } else if (key === "/") {
      const q = document.getElementById("inbox-q");
      if (q) q.focus();
    } else if (key === "?") {
      toggleHelp();
    } else {
      return;
    }
    ev.preventDefault();
  });
  touch("viewing");
})();
