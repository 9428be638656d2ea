// A live character count for the letter; the form works the same without it.
document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
  var out = document.getElementById(area.dataset.counter);
  var max = parseInt(area.getAttribute("maxlength"), 10);
  if (!out || !max) return;
  var update = function () {
    var used = area.value.trim().length;
    out.textContent = used.toLocaleString() + " of " + max.toLocaleString() + " characters";
    out.classList.toggle("field__count--low", used > 0 && used < 50);
  };
  out.hidden = false;
  area.addEventListener("input", update);
  update();
});
