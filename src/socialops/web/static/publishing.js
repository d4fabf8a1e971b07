// socialops publishing: the composer's live preview per profile (the preview API, as the
// reader types) and the connect form showing the fields of the chosen platform. Without this
// script the composer's "Preview" button asks the server for the same preview.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("compose-form");
  const cards = document.getElementById("preview-cards");
  const words = document.getElementById("preview-words");
  if (form && cards && words) livePreview(form, cards, words.dataset);
  const platform = document.getElementById("connect-platform");
  if (platform) {
    const show = () => {
      for (const part of document.querySelectorAll("#connect-form [data-platform]")) {
        part.hidden = !part.dataset.platform.split(" ").includes(platform.value);
      }
    };
    platform.addEventListener("change", show);
    show();
  }
});

function livePreview(form, cards, words) {
  let timer = null;
  let asked = 0;
  const body = () => {
    const data = new FormData(form);
    const profiles = data.getAll("profiles");
    const variants = {};
    for (const name of profiles) {
      const v = data.get("variant:" + name);
      if (v && v.trim()) variants[name] = v;
    }
    // the per-segment texts ("segvar:<saved segment>"): one more preview per profile each
    const segmentVariants = {};
    for (const [key, v] of data.entries()) {
      if (key.startsWith("segvar:") && typeof v === "string" && v.trim()) {
        segmentVariants[key.slice("segvar:".length)] = v;
      }
    }
    return {
      profiles,
      text: data.get("text") || "",
      variants,
      media_ids: data.getAll("media"),
      link: data.get("link") || null,
      plan_id: data.get("plan_id") || null,
      segment_variants: Object.keys(segmentVariants).length ? segmentVariants : null,
    };
  };
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;  // text, never markup
    return e;
  };
  const say = (cls, text) => cards.replaceChildren(el("p", cls, text));
  const draw = (previews) => {
    if (!previews.length) return say("empty", words.empty);
    cards.replaceChildren(...previews.map((pv) => {
      const card = el("article", "card pub-preview" + (pv.problems.length ? " has-problems" : ""));
      const h = el("h3", "", pv.profile + " ");
      h.append(el("small", "", pv.platform));
      if (pv.segment) h.append(" ", el("small", "pub-segment", words.segment + ": " + pv.segment));
      const over = pv.limit !== null && pv.length > pv.limit;
      const n = (v) => v.toLocaleString(form.dataset.lang === "en" ? "en-US" : "ko-KR");
      const length = words.length.replace("{n}", n(pv.length)).replace("{limit}", pv.limit === null ? "∞" : n(pv.limit));
      card.append(h, el("p", "pub-length" + (over ? " over" : ""), length), el("p", "post-text", pv.final_text));
      for (const pr of pv.problems) {
        card.append(el("p", "error", form.dataset.lang === "en" ? pr.message_en : pr.message_ko));
      }
      if (pv.banned.length) card.append(el("p", "warn", words.banned + ": " + pv.banned.join(", ")));
      if (pv.tone) card.append(el("p", "note", words.tone + ": " + pv.tone));
      if (pv.short_url) card.append(el("p", "note", words.short + ": " + pv.short_url));
      return card;
    }));
  };
  const ask = async () => {
    const mine = ++asked;
    const payload = body();
    if (!payload.profiles.length) return say("empty", words.empty);
    try {
      const answer = await fetch(form.dataset.preview, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": form.elements.csrf.value},
        body: JSON.stringify(payload),
      });
      const data = await answer.json();
      if (mine !== asked) return;  // a newer question is on its way
      if (!answer.ok) return say("error", (data.error && data.error.message) || words.failed);
      draw(data);
    } catch (e) {
      if (mine === asked) say("error", words.failed);
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 350);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  if (body().profiles.length) ask();
}
