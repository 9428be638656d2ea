// The column editor's topics as a type-ahead (the WAI-ARIA combobox pattern) with removable
// chips. The checkboxes of the page stay the form's values: picking a topic ticks its box,
// removing a chip unticks it. Whatever is left typed in the box is sent as well, so the
// server says plainly when a name is not a topic. Editors may create a topic from here.
(function () {
  var picker = document.querySelector("[data-topic-picker]");
  if (!picker || !window.fetch) return;
  var form = picker.closest("form");
  var boxes = picker.querySelector("[data-topic-boxes]");
  var hint = document.getElementById("topics-hint");
  var createUrl = picker.getAttribute("data-create-url");
  var error = picker.querySelector(".field__error");
  var active = -1;
  var options = [];

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  // The same key the server matches names by: case, accents and punctuation aside.
  function key(name) {
    return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  function allBoxes() { return Array.prototype.slice.call(boxes.querySelectorAll("input[type=checkbox]")); }
  function boxFor(name) {
    return allBoxes().filter(function (b) { return key(b.value) === key(name); })[0];
  }

  var label = make("label", { for: "topics-input", class: "topic-picker__label" }, "Topics");
  var chips = make("ul", { class: "topic-picker__chips", "aria-label": "Chosen for this column" });
  var combo = make("div", { class: "topic-picker__combo" });
  var input = make("input", {
    id: "topics-input", name: "topics", type: "text", role: "combobox", autocomplete: "off",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": "topics-listbox",
    "aria-describedby": (error ? "topics-error " : "") + "topics-hint"
  });
  if (error) input.setAttribute("aria-invalid", "true");
  var list = make("ul", { id: "topics-listbox", role: "listbox", "aria-label": "Suggestions", class: "topic-picker__list" });
  list.hidden = true;
  var status = make("p", { class: "visually-hidden", role: "status" });
  combo.appendChild(input);
  combo.appendChild(list);
  picker.insertBefore(label, boxes);
  if (error) picker.insertBefore(error, boxes);
  picker.insertBefore(chips, boxes);
  picker.insertBefore(combo, boxes);
  picker.appendChild(status);
  boxes.hidden = true;
  if (hint && hint.getAttribute("data-js-hint")) hint.textContent = hint.getAttribute("data-js-hint");

  function say(text) { status.textContent = text; }

  function drawChips() {
    chips.textContent = "";
    allBoxes().filter(function (b) { return b.checked; }).forEach(function (box) {
      var unknown = box.hasAttribute("data-unknown");
      var chip = make("li", { class: "topic-chip" + (unknown ? " topic-chip--unknown" : "") });
      chip.appendChild(make("span", {}, box.value + (unknown ? " (not a topic)" : "")));
      var remove = make("button", { type: "button", class: "topic-chip__remove", "aria-label": "Remove " + box.value }, "×");
      remove.addEventListener("click", function () {
        box.checked = false;
        box.dispatchEvent(new Event("change", { bubbles: true }));  // the form sees the change
        drawChips();
        input.focus();
        say(box.value + " removed.");
      });
      chip.appendChild(remove);
      chips.appendChild(chip);
    });
    chips.hidden = !chips.children.length;
  }

  // Names typed before the last comma: topics among them become chips at once, anything
  // else stays typed, to be named by the server if it is sent.
  function earlier() {
    var parts = input.value.split(",");
    return parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean);
  }
  function query() {
    var parts = input.value.split(",");
    return parts[parts.length - 1].trim();
  }
  function keepTyped(names, rest) {
    input.value = names.length ? names.join(", ") + ", " + rest : rest;
  }
  function absorb() {
    if (input.value.indexOf(",") === -1) return;
    var left = earlier().filter(function (name) {
      var box = boxFor(name);
      if (!box || box.hasAttribute("data-unknown")) return true;
      box.checked = true;
      say(box.value + " added.");
      return false;
    });
    keepTyped(left, query());
    drawChips();
  }

  function choose(name) {
    var box = boxFor(name);
    if (!box) return;
    box.checked = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    keepTyped(earlier(), "");
    close();
    drawChips();
    say(box.value + " added.");
  }

  function create(name) {
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("name", name);
    say("Creating topic " + name + "…");
    fetch(createUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok || !answer.data.name) {
        say(answer.data.error || "The topic could not be created. Reload the page and try again.");
        return;
      }
      var refused = boxFor(name);  // a name refused before, now made a topic on purpose
      if (refused) refused.closest("label").remove();
      var box = make("input", { type: "checkbox", name: "topics", value: answer.data.name });
      var boxLabel = make("label", { class: "topic-picker__box" });
      boxLabel.appendChild(box);
      boxLabel.appendChild(document.createTextNode(" " + answer.data.name));
      boxes.appendChild(boxLabel);
      choose(answer.data.name);
      say("Topic " + answer.data.name + " created and added.");
    }, function () { say("The topic could not be created: the connection failed."); });
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function matches(typed) {
    var q = key(typed);
    var free = allBoxes().filter(function (b) { return !b.checked && !b.hasAttribute("data-unknown"); });
    var hits = free.filter(function (b) { return !q || key(b.value).indexOf(q) !== -1; });
    hits.sort(function (a, b) {
      return (key(a.value).indexOf(q) === 0 ? 0 : 1) - (key(b.value).indexOf(q) === 0 ? 0 : 1);
    });
    return hits.slice(0, 50).map(function (b) { return { name: b.value, create: false }; });
  }

  function open() {
    var typed = query();
    var same = boxFor(typed);
    options = matches(typed);
    if (createUrl && key(typed) && (!same || same.hasAttribute("data-unknown"))) {
      options.push({ name: typed, create: true });
    }
    list.textContent = "";
    options.forEach(function (option, i) {
      var text = option.create ? "Create topic “" + option.name + "”" : option.name;
      var item = make("li", { id: "topics-option-" + i, role: "option", class: "topic-picker__option" + (option.create ? " topic-picker__option--create" : ""), "aria-selected": "false" }, text);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { pick(i); });
      list.appendChild(item);
    });
    if (!options.length) {
      close();
      if (same && same.checked) say(same.value + " is already chosen.");
      else if (typed) say(createUrl ? "" : "No topic matches. Only editors can create topics.");
      return;
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    say(options.length + (options.length === 1 ? " suggestion." : " suggestions."));
    move(-1);
  }

  function move(to) {
    active = to;
    Array.prototype.forEach.call(list.children, function (item, i) {
      item.setAttribute("aria-selected", i === to ? "true" : "false");
    });
    if (to < 0) input.removeAttribute("aria-activedescendant");
    else {
      input.setAttribute("aria-activedescendant", "topics-option-" + to);
      list.children[to].scrollIntoView({ block: "nearest" });
    }
  }

  function pick(i) {
    var option = options[i];
    if (!option) return;
    if (option.create) create(option.name);
    else choose(option.name);
  }

  input.addEventListener("input", function () { absorb(); open(); });
  boxes.addEventListener("change", drawChips);  // boxes ticked from elsewhere (a restore)
  input.addEventListener("focus", function () { if (query()) open(); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", function (event) {
    var count = options.length;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) open(); else if (count) move((active + 1) % count);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (!list.hidden && count) move(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter") {
      // Enter in this box picks a topic; it never sends the whole form.
      if (!query() && list.hidden) return;
      event.preventDefault();
      if (!list.hidden && active >= 0) pick(active);
      else if (boxFor(query()) && !boxFor(query()).hasAttribute("data-unknown")) choose(query());
      else if (!list.hidden && count === 1) pick(0);
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); }
      else if (input.value) { event.preventDefault(); input.value = ""; }
    } else if (event.key === "Backspace" && !input.value) {
      var chosen = allBoxes().filter(function (b) { return b.checked; });
      var last = chosen[chosen.length - 1];
      if (last) { last.checked = false; drawChips(); say(last.value + " removed."); }
    }
  });
  drawChips();
})();
