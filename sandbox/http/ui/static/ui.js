// web21-sandbox dashboard: a little progressive enhancement. Every page works without it.
"use strict";

(function () {
  // Ask before a form whose button carries data-confirm is sent (clock jumps, incidents).
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A running contract clock keeps ticking on the page (JST, the server's format); a frozen one stays put.
  var clock = document.querySelector(".clock[data-mode='running']");
  var shown = document.getElementById("clock-now");
  if (!clock || !shown) {
    return;
  }
  var start = Date.parse(clock.getAttribute("data-now"));
  var loaded = Date.now();
  var ja = document.documentElement.lang === "ja";
  var weekdaysJa = "日月火水木金土";
  var weekdaysEn = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function tick() {
    var jst = new Date(start + (Date.now() - loaded) + 9 * 3600 * 1000);
    var date = jst.getUTCFullYear() + (ja ? "/" : "-") + pad(jst.getUTCMonth() + 1) + (ja ? "/" : "-") + pad(jst.getUTCDate());
    var time = pad(jst.getUTCHours()) + ":" + pad(jst.getUTCMinutes()) + ":" + pad(jst.getUTCSeconds());
    var day = jst.getUTCDay();
    shown.textContent = ja ? date + "(" + weekdaysJa[day] + ") " + time : weekdaysEn[day] + " " + date + " " + time;
  }
  if (!isNaN(start)) {
    window.setInterval(tick, 1000);
  }
})();
