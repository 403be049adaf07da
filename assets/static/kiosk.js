(function () {
  "use strict";
  // A kiosk is a shared screen: after a while without a touch it returns to
  // its start, replacing the history entry so that Back shows nothing.
  var body = document.body;
  var start = body.getAttribute("data-start");
  var idle = parseInt(body.getAttribute("data-idle"), 10) * 1000;
  if (!start || !(idle > 0)) return;
  var timer;
  function reset() {
    // Stop a recording first: the next person must not hear the last one's.
    var a = document.getElementsByTagName("audio");
    for (var i = 0; i < a.length; i++) a[i].pause();
    location.replace(start);
  }
  function touched() {
    clearTimeout(timer);
    timer = setTimeout(reset, idle);
  }
  ["pointerdown", "keydown", "touchstart", "wheel", "scroll", "input"].forEach(function (t) {
    window.addEventListener(t, touched, { passive: true, capture: true });
  });
  // A recording playing is someone listening: it defers the reset as a
  // touch does (media events do not bubble, but a capturing listener on
  // window still sees them).
  window.addEventListener("timeupdate", touched, { capture: true });
  window.addEventListener("pageshow", touched);
  touched();
})();
