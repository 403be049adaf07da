// Fits each poster's type to its paper: the largest type, down to the
// legible minimum set in poster.css, at which every word stays on the page,
// off the QR code and inside its box. A sheet that does not fit even at the
// minimum is marked data-fit="no"; the printer refuses to print it.
(function () {
  'use strict';
  function over(el) {
    return el.scrollWidth > el.clientWidth + 0.5 || el.scrollHeight > el.clientHeight + 0.5;
  }
  // fit finds, by bisection, the largest value of a scale in [lo, hi] for
  // which overflows() is false. Layout is monotone in the scale.
  function fit(sheet, name, lo, hi, overflows) {
    var set = function (k) { sheet.style.setProperty(name, String(k)); };
    set(hi);
    if (!overflows()) return true;
    set(lo);
    if (overflows()) return false;
    for (var i = 0; i < 8; i++) { // to within 1/256 of the range
      var mid = (lo + hi) / 2;
      set(mid);
      if (overflows()) hi = mid; else lo = mid;
    }
    set(lo);
    return true;
  }
  function fitAll() {
    var failed = [];
    document.querySelectorAll('.sheet').forEach(function (sheet) {
      var cs = getComputedStyle(sheet);
      var min = function (n) { return parseFloat(cs.getPropertyValue(n)); };
      var kmax = parseFloat(sheet.dataset.kmax) || 1;
      var strips = sheet.querySelectorAll('.tears li, .strip');
      var url = sheet.querySelector('.url');
      var langs = sheet.querySelector('.langs');
      var blocks = sheet.querySelectorAll('.block');
      // The strips and the address first: their height takes from the
      // space the language blocks fit into.
      var ok = fit(sheet, '--kt', min('--kt-min'), 1, function () {
        return Array.prototype.some.call(strips, over);
      });
      ok = fit(sheet, '--ka', min('--ka-min'), 1, function () { return over(url); }) && ok;
      ok = fit(sheet, '--k', min('--k-min'), kmax, function () {
        return over(langs) || over(sheet) || Array.prototype.some.call(blocks, over);
      }) && ok;
      sheet.dataset.fit = ok ? 'yes' : 'no';
      if (!ok) failed.push({venue: sheet.dataset.venue, langs: sheet.dataset.langs, size: sheet.dataset.size});
    });
    return failed;
  }
  window.waymarkFit = fitAll;
  // Fonts load when laid-out text first needs them, so lay the sheets out
  // before waiting for the fonts; fit again whenever a font arrives late
  // and before printing.
  function start() {
    void document.body.offsetHeight;
    document.fonts.ready.then(fitAll);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  document.fonts.addEventListener('loadingdone', function () { fitAll(); });
  window.addEventListener('beforeprint', function () { fitAll(); });
})();
