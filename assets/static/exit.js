(function () {
  "use strict";
  var d = document, root = d.documentElement;
  var exit = d.getElementById("exit"), status = d.getElementById("status");
  if (!exit) return;
  var dest = exit.href, presses = 0, last = 0, left = false;
  root.className += " js";

  // replace(), not assign(): the exit must take this page's place in the
  // tab's history, so that Back cannot return to it.
  function leave() {
    hush();
    left = true;
    root.className += " leaving";
    d.title = "";
    location.replace(dest);
  }
  // A recording playing must stop at once: a voice from the phone would
  // say what the page was about even after it is gone.
  function hush() {
    var a = d.getElementsByTagName("audio");
    for (var i = 0; i < a.length; i++) a[i].pause();
  }
  exit.addEventListener("click", function (e) {
    e.preventDefault();
    leave();
  });

  // Shift three times within 5 s of each other; any other key starts over.
  d.addEventListener("keydown", function (e) {
    if (e.key !== "Shift") presses = 0;
  });
  d.addEventListener("keyup", function (e) {
    if (e.key !== "Shift") return;
    var now = Date.now();
    if (now - last > 5000) presses = 0;
    last = now;
    presses++;
    if (presses >= 3) {
      status.textContent = status.getAttribute("data-leaving");
      leave();
    } else {
      status.textContent = status.getAttribute(presses === 1 ? "data-press2" : "data-press1");
    }
  });

  // A page restored from the back/forward cache after an exit must not
  // show itself again: leave once more.
  window.addEventListener("pageshow", function (e) {
    if (left || (e.persisted && / leaving/.test(root.className))) leave();
  });

  // In-site links replace the current entry too, so a visit leaves one
  // history entry however many languages were tried.
  d.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-r]") : null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    location.replace(a.href);
  });
})();
