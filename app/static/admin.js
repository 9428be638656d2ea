// Live preview of the letter and the answer, rendered by the server exactly as published.
// Without JavaScript the Preview button does the same with a full page.
(function () {
  var form = document.querySelector("form.answer-form");
  var panel = document.getElementById("preview");
  if (!form || !panel || !window.fetch) return;
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  function refresh() {
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("letter", form.elements.letter.value);
    body.append("answer", form.elements.answer.value);
    fetch("/admin/preview", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        panel.querySelector("[data-preview-target=letter]").innerHTML = data.letter_html;
        panel.querySelector("[data-preview-target=answer]").innerHTML = data.answer_html;
        panel.hidden = false;
      });
  }
  function copyText() {
    // Plain text fields are shown as typed (as text, never as HTML).
    panel.querySelectorAll("[data-preview-text]").forEach(function (place) {
      var field = form.elements[place.getAttribute("data-preview-text")];
      if (field) place.textContent = field.value || (place.tagName === "H1" ? "(no title yet)" : "");
    });
  }
  form.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  });
  ["title", "summary", "signoff", "byline"].forEach(function (name) {
    if (form.elements[name]) form.elements[name].addEventListener("input", copyText);
  });
  copyText();
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
