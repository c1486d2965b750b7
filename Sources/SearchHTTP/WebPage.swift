/// The search page served at `/` (with `/app.js` and `/style.css`): plain HTML, CSS and JavaScript, no
/// build step. Drop or pick an image, or type text; results show as a grid of cards with thumbnail,
/// title, score, the sources that matched and, for videos, the matched moments; "More results" pages
/// with `next_cursor`, "More like this" searches by a result's item, and the options set
/// `min_similarity` and `collapse=near_duplicates`; with the API token entered, "Edit" changes a result's
/// title and tags (`PATCH /v1/items/{id}`).
enum WebPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>VisualSearch</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header>
  <h1>VisualSearch</h1>
  <form id="search-form" autocomplete="off">
    <label id="drop-zone" for="image-input" tabindex="0">
      <span id="drop-text">Drop an image here or click to pick one</span>
      <img id="preview" alt="" hidden>
      <input id="image-input" name="image" type="file" accept="image/jpeg,image/png">
    </label>
    <div class="row">
      <input id="text-input" name="text" type="search" placeholder="…or describe what you are looking for">
      <select id="kind-select" name="kind" aria-label="kind">
        <option value="">images and videos</option>
        <option value="image">images only</option>
        <option value="video">videos only</option>
      </select>
      <input id="k-input" name="k" type="number" min="1" max="100" value="12" aria-label="results">
      <input id="min-similarity-input" name="min_similarity" type="number" min="-1" max="1" step="0.05" placeholder="min sim." aria-label="minimum similarity">
      <label class="check"><input id="collapse-input" name="collapse" type="checkbox"> fold near-duplicates</label>
      <button id="search-button" type="submit">Search</button>
      <button id="clear-button" type="button">Clear</button>
      <input id="token-input" type="password" placeholder="API token (to edit)" aria-label="API token" autocomplete="off">
    </div>
  </form>
</header>
<main>
  <p id="status" role="status"></p>
  <section id="results" aria-live="polite"></section>
  <button id="more-button" type="button" hidden>More results</button>
</main>
<script src="/app.js"></script>
</body>
</html>
"""#

    static let style = #"""
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; }
header { background: #1d2330; color: #fff; padding: 16px 24px; }
h1 { margin: 0 0 12px; font-size: 20px; font-weight: 600; }
#drop-zone { display: flex; align-items: center; gap: 12px; min-height: 72px; padding: 12px; border: 2px dashed #6c7a96;
  border-radius: 8px; cursor: pointer; color: #c8d0e0; }
#drop-zone.dragging { border-color: #8fd18f; background: #26324a; }
#drop-zone input { display: none; }
#preview { max-height: 64px; max-width: 96px; border-radius: 4px; }
.row { display: flex; gap: 8px; margin-top: 10px; flex-wrap: wrap; }
.row input[type=search] { flex: 1 1 240px; padding: 8px; border-radius: 6px; border: 0; }
.row select, .row input[type=number] { padding: 8px; border-radius: 6px; border: 0; }
.row input[type=number] { width: 72px; }
.row #min-similarity-input { width: 96px; }
.check { display: flex; align-items: center; gap: 4px; color: #c8d0e0; font-size: 13px; }
#more-button { margin-top: 16px; }
.card .actions { margin-top: 6px; font-size: 12px; }
.card .actions button { padding: 2px 8px; font-size: 12px; margin-right: 4px; }
.card .edit-form { margin-top: 6px; display: grid; gap: 4px; }
.card .edit-form input { padding: 4px; font-size: 12px; }
#token-input { width: 160px; padding: 8px; border-radius: 6px; border: 0; }
button { padding: 8px 16px; border: 0; border-radius: 6px; background: #4f7cff; color: #fff; cursor: pointer; }
#clear-button { background: #56607a; }
main { padding: 16px 24px; }
#status { color: #56607a; min-height: 1.4em; }
#status.error { color: #b3261e; }
#results { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 16px; }
.card { background: #fff; border-radius: 8px; overflow: hidden; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.card img { width: 100%; height: 160px; object-fit: cover; background: #dde1e8; display: block; }
.card .body { padding: 8px 10px 10px; }
.card .title { font-weight: 600; overflow-wrap: anywhere; }
.card .meta { font-size: 12px; color: #56607a; margin-top: 4px; }
.badge { display: inline-block; font-size: 11px; padding: 1px 6px; border-radius: 10px; background: #e6ebf7; margin: 2px 4px 0 0; }
.badge.video { background: #fde7c8; }
.moments { margin-top: 4px; font-size: 12px; }
.moments a { margin-right: 6px; }
"""#

    static let script = #"""
"use strict";
const form = document.getElementById("search-form");
const fileInput = document.getElementById("image-input");
const dropZone = document.getElementById("drop-zone");
const dropText = document.getElementById("drop-text");
const preview = document.getElementById("preview");
const textInput = document.getElementById("text-input");
const kindSelect = document.getElementById("kind-select");
const kInput = document.getElementById("k-input");
const minSimilarityInput = document.getElementById("min-similarity-input");
const collapseInput = document.getElementById("collapse-input");
const moreButton = document.getElementById("more-button");
const tokenInput = document.getElementById("token-input");
// The query the shown results belong to (repeated with `cursor` for the next page).
let lastQuery = null;
const statusLine = document.getElementById("status");
const results = document.getElementById("results");
let chosenFile = null;

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", !!isError);
}

function choose(file) {
  chosenFile = file || null;
  if (chosenFile) {
    preview.src = URL.createObjectURL(chosenFile);
    preview.hidden = false;
    dropText.textContent = chosenFile.name;
    search();
  } else {
    preview.hidden = true;
    preview.removeAttribute("src");
    dropText.textContent = "Drop an image here or click to pick one";
  }
}

fileInput.addEventListener("change", () => choose(fileInput.files[0]));
dropZone.addEventListener("dragover", (e) => { e.preventDefault(); dropZone.classList.add("dragging"); });
dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
dropZone.addEventListener("drop", (e) => {
  e.preventDefault();
  dropZone.classList.remove("dragging");
  if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
});
document.getElementById("clear-button").addEventListener("click", () => {
  fileInput.value = "";
  textInput.value = "";
  choose(null);
  results.replaceChildren();
  moreButton.hidden = true;
  lastQuery = null;
  setStatus("");
});
form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
moreButton.addEventListener("click", () => { if (lastQuery && lastQuery.cursor) run(lastQuery, true); });

function formatTime(seconds) {
  const m = Math.floor(seconds / 60), s = seconds - m * 60;
  return m + ":" + s.toFixed(1).padStart(4, "0");
}

async function search(item) {
  const text = textInput.value.trim();
  if (!item && !chosenFile && !text) { setStatus("Pick an image or type some text.", true); return; }
  const query = {
    file: item ? null : chosenFile, item: item || null, text: item ? "" : text, k: kInput.value || "12",
    filter: kindSelect.value ? "kind=" + kindSelect.value : "", minSimilarity: minSimilarityInput.value.trim(),
    collapse: collapseInput.checked, cursor: null,
  };
  await run(query, false);
}

async function run(query, append) {
  let response;
  setStatus(append ? "Loading more…" : "Searching…");
  try {
    const fields = { k: query.k };
    if (query.text) fields.text = query.text;
    if (query.item) fields.item = query.item;
    if (query.filter) fields.filter = query.filter;
    if (query.minSimilarity) fields.min_similarity = query.minSimilarity;
    if (query.collapse) fields.collapse = "near_duplicates";
    if (append && query.cursor) fields.cursor = query.cursor;
    if (query.file) {
      const body = new FormData();
      body.append("image", query.file, query.file.name);
      for (const [name, value] of Object.entries(fields)) body.append(name, value);
      response = await fetch("/v1/search", { method: "POST", body });
    } else {
      const params = new URLSearchParams(fields);
      if (fields.text) { params.delete("text"); params.set("q", fields.text); }
      response = await fetch("/v1/search?" + params.toString());
    }
    const answer = await response.json();
    if (!response.ok) { setStatus((answer.error && answer.error.message) || response.statusText, true); return; }
    query.cursor = answer.next_cursor;
    lastQuery = query;
    render(answer, append);
  } catch (error) {
    setStatus("Search failed: " + error, true);
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// An inline editor of a result's title and tags: PATCH /v1/items/{id} with the token.
function openEditor(card, body, hit) {
  if (card.querySelector(".edit-form")) return;
  const editor = element("form", "edit-form");
  const title = element("input", "edit-title");
  title.value = hit.title;
  title.setAttribute("aria-label", "title");
  const tags = element("input", "edit-tags");
  tags.value = hit.tags.join(", ");
  tags.placeholder = "tags, comma-separated";
  tags.setAttribute("aria-label", "tags");
  const save = element("button", "save", "Save");
  save.type = "submit";
  editor.append(title, tags, save);
  editor.addEventListener("submit", async (e) => {
    e.preventDefault();
    const response = await fetch("/v1/items/" + encodeURIComponent(hit.id), {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + tokenInput.value },
      body: JSON.stringify({ title: title.value, tags: tags.value.split(",").map((t) => t.trim()).filter((t) => t) }),
    });
    const answer = await response.json();
    if (!response.ok) { setStatus((answer.error && answer.error.message) || response.statusText, true); return; }
    hit.title = answer.title;
    hit.tags = answer.tags;
    card.querySelector(".title").textContent = answer.title || answer.id;
    editor.remove();
    setStatus("Saved " + answer.id + ".");
  });
  body.append(editor);
}

function render(answer, append) {
  if (!append) results.replaceChildren();
  const shown = results.children.length + answer.results.length;
  setStatus(shown + " results (" + answer.query + " query, " + answer.tookMilliseconds.toFixed(0) + " ms)"
            + (answer.next_cursor ? "; more available" : ""));
  moreButton.hidden = !answer.next_cursor;
  for (const hit of answer.results) {
    const card = element("article", "card");
    card.dataset.id = hit.id;
    const img = element("img");
    img.loading = "lazy";
    img.alt = hit.title;
    img.src = hit.thumbnail + (hit.thumbnail.includes("?") ? "&" : "?") + "size=320";
    card.append(img);
    const body = element("div", "body");
    body.append(element("div", "title", hit.title || hit.id));
    const meta = element("div", "meta");
    meta.append(element("span", "badge " + hit.kind, hit.kind));
    meta.append(element("span", "score", "score " + hit.score.toFixed(4)));
    body.append(meta);
    const sources = element("div", "meta sources");
    for (const [source, rank] of Object.entries(hit.sources)) sources.append(element("span", "badge", source + " #" + rank));
    body.append(sources);
    if (hit.kind === "video" && hit.moments.length) {
      const moments = element("div", "moments", "moments: ");
      for (const moment of hit.moments) {
        const link = element("a", "moment", formatTime(moment.timestamp));
        link.href = "/v1/items/" + encodeURIComponent(hit.id) + "/thumbnail?size=640&t=" + moment.timestamp.toFixed(3);
        link.title = "score " + moment.score.toFixed(3);
        link.target = "_blank";
        moments.append(link);
      }
      body.append(moments);
    }
    if (hit.duplicates && hit.duplicates.length) {
      body.append(element("div", "meta duplicates", "+ " + hit.duplicates.length + " near-duplicate"
                          + (hit.duplicates.length > 1 ? "s" : "") + ": " + hit.duplicates.map((d) => d.id).join(", ")));
    }
    const actions = element("div", "actions");
    const like = element("button", "more-like-this", "More like this");
    like.type = "button";
    like.addEventListener("click", () => search(hit.id));
    actions.append(like);
    const edit = element("button", "edit", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => openEditor(card, body, hit));
    actions.append(edit);
    body.append(actions);
    card.append(body);
    results.append(card);
  }
}
"""#
}
