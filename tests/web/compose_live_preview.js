// Runs static/publishing.js's live preview outside a browser (node, a stand-in DOM): the form's
// fields come from FIELDS (JSON: [[name, value], ...]), the preview API's answer from ANSWER
// (JSON). Prints {sent: the body the script sent, cards: the text of each card drawn}.
"use strict";
const fs = require("fs");
const vm = require("vm");
const [script, fieldsJson, answerJson] = process.argv.slice(2);
const fields = JSON.parse(fieldsJson);
const answer = JSON.parse(answerJson);

class El {
  constructor(tag) { this.tag = tag; this.children = []; this.className = ""; this._text = ""; }
  set textContent(v) { this._text = String(v); this.children = []; }
  get textContent() {
    return this._text + this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  append(...xs) { this.children.push(...xs); }
  replaceChildren(...xs) { this._text = ""; this.children = xs; }
}
const handlers = {};
const form = {
  dataset: {preview: "/api/preview", lang: "ko"},
  elements: {csrf: {value: "token"}},
  addEventListener: () => {},
  _fields: fields,
};
const cards = new El("div");
const words = {dataset: {length: "{n}/{limit}", banned: "banned", tone: "tone", short: "short",
  empty: "empty", failed: "failed", segment: "세그먼트"}};
const ids = {"compose-form": form, "preview-cards": cards, "preview-words": words};
class FormData {
  constructor(f) { this.f = f._fields; }
  get(k) { const e = this.f.find(([n]) => n === k); return e ? e[1] : null; }
  getAll(k) { return this.f.filter(([n]) => n === k).map(([, v]) => v); }
  entries() { return this.f[Symbol.iterator](); }
}
let sent = null;
const context = {
  document: {
    getElementById: (id) => ids[id] || null,
    addEventListener: (ev, fn) => { handlers[ev] = fn; },
    createElement: (tag) => new El(tag),
    querySelectorAll: () => [],
  },
  FormData,
  fetch: async (url, init) => {
    sent = JSON.parse(init.body);
    return {ok: true, json: async () => answer};
  },
  setTimeout, clearTimeout, console,
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(script, "utf8"), context);
handlers.DOMContentLoaded();
setTimeout(() => {
  const drawn = cards.children.map((c) => (typeof c === "string" ? c : c.textContent));
  process.stdout.write(JSON.stringify({sent, cards: drawn}));
}, 50);
