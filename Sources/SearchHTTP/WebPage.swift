/// The search page served at `/` (with `/app.js` and `/style.css`): plain HTML, CSS and JavaScript, no
/// build step. Drop or pick an image, or type text; results show as a grid of cards with thumbnail,
/// title, score, the sources that matched and, for videos, the matched moments; "More results" pages
/// with `next_cursor`, "More like this" searches by a result's item, and the options set
/// `min_similarity` and `collapse=near_duplicates`; dragging on the uploaded image searches by that region
/// (`box=x,y,w,h`); with the API token entered, "Edit" changes a result's title and tags
/// (`PATCH /v1/items/{id}`), "Delete" removes it (`DELETE /v1/items/{id}`), and the "Add to the index" form
/// uploads a file with a title and tags (`POST /v1/items`).
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
      <input id="token-input" type="password" placeholder="API token (to edit, add, delete)" aria-label="API token" autocomplete="off">
    </div>
  </form>
  <form id="add-form" autocomplete="off">
    <span class="add-label">Add to the index:</span>
    <input id="add-file" name="file" type="file" accept="image/jpeg,image/png,video/*" aria-label="file to add">
    <input id="add-title" name="title" type="text" placeholder="title" aria-label="title of the new item">
    <input id="add-tags" name="tags" type="text" placeholder="tags, comma-separated" aria-label="tags of the new item">
    <button id="add-button" type="submit">Add</button>
  </form>
</header>
<main>
  <div id="region" hidden>
    <p class="hint">Drag on the image to search by a region of it.</p>
    <div id="region-frame">
      <img id="region-image" alt="the query image" draggable="false">
      <div id="region-box" hidden></div>
    </div>
    <button id="region-clear" type="button">Whole image</button>
  </div>
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
#add-form { display: flex; gap: 8px; margin-top: 10px; flex-wrap: wrap; align-items: center; color: #c8d0e0; font-size: 13px; }
#add-form input[type=text] { padding: 6px; border-radius: 6px; border: 0; }
#region { margin-bottom: 12px; }
#region .hint { margin: 0 0 6px; color: #56607a; font-size: 13px; }
#region-frame { position: relative; display: inline-block; cursor: crosshair; user-select: none; touch-action: none; }
#region-image { display: block; max-width: 480px; max-height: 320px; }
#region-box { position: absolute; border: 2px solid #4f7cff; background: rgba(79,124,255,.18); pointer-events: none; }
#region-clear { margin-left: 8px; vertical-align: top; background: #56607a; }
.card .actions .delete { background: #b3261e; }
.moments a { margin-right: 6px; }
"""#

    static let script = #"""
"use strict";
const [form, fileInput, dropZone, dropText, preview, textInput, kindSelect, kInput, minSimilarityInput, collapseInput,
       moreButton, tokenInput] =
  ["search-form", "image-input", "drop-zone", "drop-text", "preview", "text-input", "kind-select", "k-input",
   "min-similarity-input", "collapse-input", "more-button", "token-input"].map((id) => document.getElementById(id));
// The query the shown results belong to (repeated with `cursor` for the next page).
let lastQuery = null;
const statusLine = document.getElementById("status");
const results = document.getElementById("results");
let chosenFile = null;
// The region of the chosen image to search by, as fractions {x, y, w, h}; null: the whole image.
let region = null;
const regionPanel = document.getElementById("region");
const regionFrame = document.getElementById("region-frame");
const regionImage = document.getElementById("region-image");
const regionBox = document.getElementById("region-box");

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", !!isError);
}

function choose(file) {
  chosenFile = file || null;
  setRegion(null);
  if (chosenFile) {
    preview.src = URL.createObjectURL(chosenFile);
    preview.hidden = false;
    regionImage.src = preview.src;
    regionPanel.hidden = false;
    dropText.textContent = chosenFile.name;
    search();
  } else {
    preview.hidden = true;
    preview.removeAttribute("src");
    regionPanel.hidden = true;
    regionImage.removeAttribute("src");
    dropText.textContent = "Drop an image here or click to pick one";
  }
}

// The region box: drawn by dragging on the shown image; fractions of the image, clamped to it.
function setRegion(r) {
  region = r;
  regionBox.hidden = !r;
  if (r) {
    regionBox.style.left = (r.x * 100) + "%";
    regionBox.style.top = (r.y * 100) + "%";
    regionBox.style.width = (r.w * 100) + "%";
    regionBox.style.height = (r.h * 100) + "%";
  }
}
function fractionAt(e) {
  const rect = regionImage.getBoundingClientRect();
  const clamp = (v) => Math.min(1, Math.max(0, v));
  return { x: clamp((e.clientX - rect.left) / rect.width), y: clamp((e.clientY - rect.top) / rect.height) };
}
let dragStart = null;
regionFrame.addEventListener("pointerdown", (e) => {
  e.preventDefault();
  dragStart = fractionAt(e);
  regionFrame.setPointerCapture(e.pointerId);
  setRegion({ x: dragStart.x, y: dragStart.y, w: 0, h: 0 });
});
regionFrame.addEventListener("pointermove", (e) => {
  if (!dragStart) return;
  const p = fractionAt(e);
  setRegion({ x: Math.min(dragStart.x, p.x), y: Math.min(dragStart.y, p.y), w: Math.abs(p.x - dragStart.x), h: Math.abs(p.y - dragStart.y) });
});
regionFrame.addEventListener("pointerup", (e) => {
  if (!dragStart) return;
  dragStart = null;
  // A click without a drag (a box under 2 % of a side) means the whole image.
  if (!region || region.w < 0.02 || region.h < 0.02) setRegion(null);
  if (chosenFile) search();
});
document.getElementById("region-clear").addEventListener("click", () => { setRegion(null); if (chosenFile) search(); });

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
    box: !item && chosenFile && region ? [region.x, region.y, region.w, region.h].map((v) => v.toFixed(4)).join(",") : "",
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
    if (query.file && query.box) fields.box = query.box;
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

// DELETE /v1/items/{id} with the token; the card goes on success.
async function deleteItem(card, hit) {
  const response = await fetch("/v1/items/" + encodeURIComponent(hit.id), {
    method: "DELETE", headers: { "Authorization": "Bearer " + tokenInput.value },
  });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    setStatus((answer.error && answer.error.message) || response.statusText, true);
    return;
  }
  card.remove();
  setStatus("Deleted " + hit.id + ".");
}

// POST /v1/items: the chosen file with a title and tags, with the token.
document.getElementById("add-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const file = document.getElementById("add-file").files[0];
  if (!file) { setStatus("Pick a file to add.", true); return; }
  const body = new FormData();
  body.append("file", file, file.name);
  const title = document.getElementById("add-title").value.trim();
  const tags = document.getElementById("add-tags").value.trim();
  if (title) body.append("title", title);
  if (tags) body.append("tags", tags);
  setStatus("Adding…");
  try {
    const response = await fetch("/v1/items", { method: "POST", body, headers: { "Authorization": "Bearer " + tokenInput.value } });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) { setStatus((answer.error && answer.error.message) || response.statusText, true); return; }
    setStatus("Added " + (answer.id || file.name) + ".");
  } catch (error) {
    setStatus("Add failed: " + error, true);
  }
});

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
    const remove = element("button", "delete", "Delete");
    remove.type = "button";
    remove.addEventListener("click", () => deleteItem(card, hit));
    actions.append(remove);
    body.append(actions);
    card.append(body);
    results.append(card);
  }
}
"""#
}
