// The letter page as the editor types: the preview (drawn by the server with the public column
// template), the checklist and the word count follow the text; what is typed is autosaved every
// few seconds as a revision marked autosave (never public) and offered back after a reload;
// leaving with text that is neither saved nor autosaved asks first. Without JavaScript the
// Preview and Save draft buttons do the same with a full page.
(function () {
  var form = document.querySelector("form.answer-form");
  if (!form || !window.fetch) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var panel = document.getElementById("preview");
  var column = panel && panel.querySelector("[data-preview-column]");
  var checklist = form.querySelector("[data-checklist]");
  var counts = document.getElementById("word-counts");
  var status = document.getElementById("autosave-status");
  var offer = document.getElementById("autosave-offer");
  var autosaveUrl = form.getAttribute("data-autosave");
  var version = form.querySelector("input[name=version]");
  var deskTimer = null, saveTimer = null, dirty = false, unsaved = false, sending = false;

  function body() {
    var data = new FormData(form);
    data.delete("hero");
    data.delete("action");
    data.delete("aid");
    data.set("csrf_token", token);
    return data;
  }
  function post(url, data) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, data: j }; }); });
  }
  function refreshDesk() {
    post("/admin/desk", body()).then(function (answer) {
      if (!answer.ok) return;
      var data = answer.data;
      if (column) { column.innerHTML = data.preview; panel.hidden = false; }
      if (checklist) checklist.innerHTML = data.checklist;
      if (counts) counts.textContent = data.words + " word" + (data.words === 1 ? "" : "s") + " · " + data.minutes + " min read";
    }).catch(function () {});
  }
  function autosave() {
    if (!autosaveUrl || !dirty || sending) return;
    sending = true;
    dirty = false;
    post(autosaveUrl, body()).then(function (answer) {
      sending = false;
      if (answer.ok) {
        if (answer.data.version && version) version.value = answer.data.version;
        unsaved = dirty;
        if (status) status.textContent = "· Autosaved at " + answer.data.saved_at;
      } else {
        dirty = true;
        if (status) status.textContent = "· Not autosaved: " + (answer.data.error || answer.data.detail || "save the form to keep your text");
      }
    }).catch(function () {
      sending = false;
      dirty = true;
      if (status) status.textContent = "· Not autosaved (no connection); your text is still here";
    });
  }
  function changed() {
    dirty = true;
    unsaved = true;
    clearTimeout(deskTimer);
    deskTimer = setTimeout(refreshDesk, 600);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(autosave, 4000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) { if (event.target.type !== "file") changed(); });
  form.addEventListener("submit", function () { unsaved = false; clearTimeout(saveTimer); });
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // A reload (or a crash) after typing: offer back what was autosaved, if it is newer.
  if (autosaveUrl && offer) {
    fetch(autosaveUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.pending) return;
        offer.querySelector("[data-autosave-when]").textContent = data.saved_at;
        offer.hidden = false;
        offer.querySelector("[data-autosave-restore]").addEventListener("click", function () {
          Object.keys(data.fields).forEach(function (name) {
            var boxes = form.querySelectorAll("input[type=checkbox][name=" + name + "]");
            if (boxes.length) {
              // Topics picked by ticking: tick exactly the autosaved ones.
              var wanted = data.fields[name].toLowerCase().split(",").map(function (t) { return t.trim(); });
              boxes.forEach(function (box) {
                var on = wanted.indexOf(box.value.toLowerCase()) !== -1;
                if (box.checked !== on) {
                  box.checked = on;
                  box.dispatchEvent(new Event("change", { bubbles: true }));
                }
              });
              return;
            }
            var field = form.elements[name];
            if (field && typeof field.value === "string" && field.type !== "file") field.value = data.fields[name];
          });
          offer.hidden = true;
          form.elements.letter.dispatchEvent(new Event("input", { bubbles: true }));
          form.elements.answer.dispatchEvent(new Event("input", { bubbles: true }));
          if (status) status.textContent = "· Restored the autosaved text; save it to keep it";
        });
        offer.querySelector("[data-autosave-forget]").addEventListener("click", function () {
          var data = new FormData();
          data.set("csrf_token", token);
          data.set("forget", "1");
          post(autosaveUrl, data).catch(function () {});
          offer.hidden = true;
        });
      }).catch(function () {});
  }
})();

// The anonymisation aid while the editor types: the server finds identifying details in every
// public field (one detector, no copy of it here), marks are drawn under the letter and the
// answer, and the findings beside the review tick are redrawn. The replacement and
// "not identifying" buttons act in place; without JavaScript they submit the form instead.
(function () {
  var form = document.querySelector("form.answer-form");
  var panel = document.getElementById("aid-panel");
  if (!form || !panel || !window.fetch) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var dismissed = form.querySelector("input[name=dismissed]");
  var tick = document.getElementById("anonymisation_reviewed");
  var changedNote = document.getElementById("review-changed");
  var watched = form.querySelectorAll("[data-aid]");
  var timer = null;
  var asked = 0;

  function backdropOf(area) {
    var box = area.closest(".marked-field");
    return box ? box.querySelector(".marked-field__backdrop") : null;
  }
  function fit(area) {
    var backdrop = backdropOf(area);
    if (!backdrop) return;
    var scrollbar = area.offsetWidth - area.clientWidth - 2;
    backdrop.style.paddingRight = "calc(0.7rem + " + Math.max(scrollbar, 0) + "px)";
    backdrop.scrollTop = area.scrollTop;
  }
  function plain(area) {
    // Until the server answers, the marks would sit under the wrong words: show none.
    var backdrop = backdropOf(area);
    if (backdrop) backdrop.textContent = area.value + "\n";
  }
  function refresh() {
    var body = new FormData(form);
    body.delete("hero");
    body.set("csrf_token", token);
    var ask = ++asked;
    fetch("/admin/findings", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || ask !== asked) return;
        panel.innerHTML = data.panel;
        Object.keys(data.marked).forEach(function (name) {
          var area = form.elements[name];
          var backdrop = area && backdropOf(area);
          if (backdrop) { backdrop.innerHTML = data.marked[name] + "\n"; fit(area); }
        });
      });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }

  form.querySelectorAll(".marked-field").forEach(function (box) {
    var area = box.querySelector("textarea");
    box.classList.add("is-live");
    fit(area);
    area.addEventListener("scroll", function () { fit(area); });
    window.addEventListener("resize", function () { fit(area); });
  });
  watched.forEach(function (field) {
    field.addEventListener("input", function () {
      if (field.tagName === "TEXTAREA") plain(field);
      if (tick && tick.checked) {
        // A review is of exact text: a change after the tick needs a new one.
        tick.checked = false;
        if (changedNote) changedNote.hidden = false;
      }
      later();
    });
  });
  if (tick) tick.addEventListener("change", function () { if (changedNote) changedNote.hidden = true; });

  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=aid]");
    if (!button) return;
    event.preventDefault();
    var order = JSON.parse(button.value);
    if (order.op === "dismiss") {
      dismissed.value = (dismissed.value ? dismissed.value + "\n" : "") + order.text;
      refresh();
      return;
    }
    var field = form.elements[order.field];
    if (!field) return;
    var value = field.value;
    var start = value.substr(order.start, order.text.length) === order.text ? order.start : value.indexOf(order.text);
    if (start < 0) return;
    field.value = value.slice(0, start) + order["with"] + value.slice(start + order.text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
    field.setSelectionRange(start, start + order["with"].length);
  });
})();
