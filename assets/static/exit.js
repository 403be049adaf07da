(function () {
  "use strict";
  var d = document, root = d.documentElement;
  var exit = d.getElementById("exit"), status = d.getElementById("status");
  if (!exit) return;
  var dest = exit.href, presses = 0, last = 0, left = false, timer = 0, quiet = 0;
  // shiftDown: Shift is held. used: while it was held, another key went
  // down or a pointer was pressed, so it was a modifier (Shift+Tab to go
  // back, Shift+A for a capital), not a press of its own.
  var shiftDown = false, used = false;
  root.className += " js";
  // The Shift hint is for keyboards: shown where the primary pointer is
  // fine (its space is kept from the first paint, see page.css) or once a
  // key has been pressed.
  function keyboard() {
    if (!/ kbd/.test(root.className)) root.className += " kbd";
  }
  if (window.matchMedia && matchMedia("(pointer: fine)").matches) keyboard();

  function say(attr) {
    status.textContent = attr ? status.getAttribute(attr) : "";
  }

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

  // A count ends when its 5 s run out (said aloud, as GOV.UK's "Exit this
  // page" does, then cleared) or when another key is pressed (cleared).
  function stop(expired) {
    clearTimeout(timer);
    clearTimeout(quiet);
    presses = 0;
    say(expired ? "data-expired" : "");
    if (expired) quiet = setTimeout(say, 5000);
  }

  // Shift three times, each within 5 s of the one before, each pressed and
  // released on its own.
  d.addEventListener("keydown", function (e) {
    keyboard();
    if (e.key === "Shift") {
      if (!shiftDown) used = false;
      shiftDown = true;
      return;
    }
    if (shiftDown || e.shiftKey) used = true;
    if (presses) stop(false);
  }, true);
  d.addEventListener("keyup", function (e) {
    if (e.key !== "Shift") {
      // A key released with Shift held: the next Shift release is the end
      // of a modified key, not a press (even if its keydown was missed).
      if (e.shiftKey) used = true;
      return;
    }
    var alone = shiftDown && !used;
    shiftDown = used = false;
    if (!alone) return;
    var now = Date.now();
    // The timer may run late in a busy or hidden tab: the clock decides.
    if (now - last > 5000) presses = 0;
    last = now;
    presses++;
    clearTimeout(timer);
    clearTimeout(quiet);
    if (presses >= 3) {
      say("data-leaving");
      leave();
      return;
    }
    say(presses === 1 ? "data-press2" : "data-press1");
    timer = setTimeout(function () { stop(true); }, 5000);
  }, true);
  // Shift held while clicking (to open a link elsewhere) is a modifier too.
  d.addEventListener("pointerdown", function (e) {
    if (e.shiftKey) used = true;
  }, true);

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
