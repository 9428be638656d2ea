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
  form.querySelectorAll("textarea[data-preview]").forEach(function (area) {
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  });
})();
