// openletter serve: the preview's toolbar and problem overlay. Added to the served page only
// (never to the built file), it lives in a shadow root so that neither the letter's stylesheet
// nor its own touch the other. It listens to /__openletter__/events: a new build reloads the
// page (keeping the scroll position); a build with problems keeps the page and lists them.
// Every text from the server is set with textContent, never parsed as HTML.
(() => {
  "use strict";
  const script = document.currentScript;
  const build = script ? script.dataset.build || "" : "";
  const page = script ? script.dataset.page || "" : "";
  const SCROLL = "openletter-preview-scroll";

  const STYLE = `
    :host { all: initial; display: block; position: sticky; top: 0; z-index: 2147483647;
      font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #f8fafc; }
    @media print { :host { display: none; } }
    * { box-sizing: border-box; }
    nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1rem;
      padding: 0.4rem 0.75rem; background: #1e293b; color: #f8fafc; border-bottom: 2px solid #0f172a; }
    .brand { margin: 0; font-weight: 700; }
    .state { font-weight: 400; color: #e2e8f0; margin-left: 0.5rem; }
    .group { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.5rem; }
    .group > span { color: #e2e8f0; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.6rem; }
    a { color: #bfdbfe; text-decoration: underline; }
    a:hover { color: #ffffff; }
    a[aria-current="page"] { color: #ffffff; font-weight: 700; text-decoration: none; }
    a:focus-visible, button:focus-visible, summary:focus-visible { outline: 3px solid #facc15; outline-offset: 2px; }
    button { font: inherit; cursor: pointer; border-radius: 4px; }
    .show-problems { background: #b91c1c; color: #ffffff; border: 1px solid #fecaca; padding: 0.1rem 0.6rem; font-weight: 700; }
    details.warnings { color: #fde68a; }
    details.warnings summary { cursor: pointer; }
    details.warnings ul { display: block; position: absolute; max-width: min(48rem, 95vw); max-height: 50vh;
      overflow: auto; margin-top: 0.4rem; padding: 0.5rem 0.75rem; background: #ffffff; color: #1f2937;
      border: 1px solid #94a3b8; border-radius: 4px; }
    details.warnings li { margin: 0.2rem 0; }
    [hidden] { display: none !important; }
    .overlay { position: absolute; left: 0; right: 0; top: 100%; display: flex; justify-content: center;
      pointer-events: none; }
    .panel { pointer-events: auto; margin: 0.75rem; width: min(52rem, 100%); max-height: 70vh; overflow: auto;
      background: #ffffff; color: #1f2937; border: 1px solid #b91c1c; border-left: 8px solid #b91c1c;
      border-radius: 6px; box-shadow: 0 10px 30px rgba(15, 23, 42, 0.35); padding: 0.9rem 1.1rem; }
    .panel h2 { margin: 0 0 0.5rem; font-size: 1.1rem; color: #991b1b; }
    .panel p { margin: 0.5rem 0; }
    .panel ul { display: block; margin: 0.25rem 0; }
    .panel li { margin: 0.35rem 0; }
    code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
      overflow-wrap: break-word; }
    .errors code { color: #7f1d1d; }
    .panel h3 { margin: 0.75rem 0 0.25rem; font-size: 0.95rem; color: #4b5563; font-weight: 600; }
    .panel .warning-list code { color: #4b5563; }
    .panel button { background: #f1f5f9; color: #0f172a; border: 1px solid #64748b; padding: 0.2rem 0.8rem; }
  `;

  const element = (name, attributes = {}, ...children) => {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === true) node.setAttribute(key, "");
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, String(value));
    }
    node.append(...children);
    return node;
  };
  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  const host = element("div", { id: "openletter-preview", lang: "en", dir: "ltr" });
  const root = host.attachShadow({ mode: "open" });
  const state = element("span", { class: "state", role: "status" }, "connecting…");
  const pages = element("ul");
  const pagesGroup = element("div", { class: "group", hidden: true }, element("span", {}, "Pages:"), pages);
  const downloads = element("ul");
  const downloadsGroup = element("div", { class: "group", hidden: true }, element("span", {}, "Download:"), downloads);
  const showProblems = element("button", {
    type: "button", class: "show-problems", "aria-controls": "openletter-problems", "aria-expanded": "true", hidden: true,
  });
  const warningList = element("ul");
  const warnings = element("details", { class: "warnings", hidden: true }, element("summary"), warningList);
  const nav = element(
    "nav", { "aria-label": "openletter preview" },
    element("p", { class: "brand" }, "openletter preview", state),
    pagesGroup, downloadsGroup, showProblems, warnings,
  );
  const overlay = element("div", { id: "openletter-problems", class: "overlay", role: "alert" });
  root.append(element("style", {}, STYLE), nav, overlay);

  let hidden = false;
  let shownErrors = "";
  const setOverlay = (visible) => {
    hidden = !visible;
    for (const panel of overlay.children) panel.hidden = !visible;
    showProblems.setAttribute("aria-expanded", String(visible));
  };
  showProblems.addEventListener("click", () => setOverlay(hidden));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !hidden && overlay.children.length) setOverlay(false);
  });

  const listOf = (notices, className) =>
    element("ul", { class: className }, ...notices.map((notice) => element("li", {}, element("code", {}, notice.text))));

  const render = (status) => {
    const files = status.files || [];
    const htmlPages = files.filter((file) => file.format === "html");
    pages.replaceChildren(...htmlPages.map((file) => element("li", {}, element("a", {
      href: `/${encodeURIComponent(file.name)}`, hreflang: file.language, lang: file.language,
      "aria-current": file.name === page ? "page" : null,
    }, file.language))));
    pagesGroup.hidden = htmlPages.length < 2;
    downloads.replaceChildren(...files.map((file) => element("li", {}, element("a", {
      href: `/${encodeURIComponent(file.name)}?download`, download: file.name, type: file.media_type, title: file.title,
    }, file.name))));
    downloadsGroup.hidden = files.length === 0;

    const errors = status.errors || [];
    const notes = status.warnings || [];
    warnings.hidden = notes.length === 0 || errors.length > 0;
    warnings.querySelector("summary").textContent = plural(notes.length, "warning");
    warningList.replaceChildren(...notes.map((notice) => element("li", {}, element("code", {}, notice.text))));

    const time = status.built_at ? new Date(status.built_at * 1000).toLocaleTimeString() : "";
    state.textContent = errors.length
      ? `${plural(errors.length, "problem")} at ${time}` + (status.build === null ? "" : ": showing the last good build")
      : `built at ${time}`;

    const key = JSON.stringify(errors);
    showProblems.hidden = errors.length === 0;
    showProblems.textContent = plural(errors.length, "problem");
    if (errors.length === 0) {
      overlay.replaceChildren();
      shownErrors = "";
      return;
    }
    if (key === shownErrors) return;  // the same problems: leave the overlay as the reader set it
    shownErrors = key;
    const close = element("button", { type: "button" }, "Hide");
    close.addEventListener("click", () => { setOverlay(false); showProblems.focus(); });
    const kept = status.build === null
      ? "Nothing has been built yet."
      : "The page below is the last build without errors.";
    const panel = element(
      "section", { class: "panel", "aria-labelledby": "openletter-problems-title" },
      element("h2", { id: "openletter-problems-title" }, `The letter has ${plural(errors.length, "problem")}`),
      listOf(errors, "errors"),
      ...(notes.length ? [element("h3", {}, plural(notes.length, "warning")), listOf(notes, "warning-list")] : []),
      element("p", {}, `${kept} Fix the letter and save it: this page updates by itself.`),
      close,
    );
    overlay.replaceChildren(panel);
    setOverlay(true);
  };

  const reload = () => {
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (_) { /* no session storage */ }
    location.reload();
  };

  const start = () => {
    document.body.prepend(host);
    try {  // after the toolbar is in place, so that it does not push the page down afterwards
      const saved = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
      sessionStorage.removeItem(SCROLL);
      if (saved && saved.path === location.pathname) window.scrollTo(saved.x, saved.y);
    } catch (_) { /* no session storage: the browser's own place */ }
    const events = new EventSource("/__openletter__/events");
    events.addEventListener("status", (event) => {
      const status = JSON.parse(event.data);
      if (status.build !== null && String(status.build) !== build) {
        const files = status.files || [];
        if (page && !files.some((file) => file.name === page)) location.replace("/");  // this page is gone
        else reload();
        return;
      }
      render(status);
      host.dataset.generation = String(status.generation);
    });
    events.addEventListener("error", () => {
      state.textContent = "disconnected: is openletter serve still running?";
    });
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
