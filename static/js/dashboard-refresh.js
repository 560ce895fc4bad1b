// The dashboard's figures come anew every minute without reloading the page: the region named by
// data-refresh-url is fetched and swapped in, and the status line (aria-live="polite") says when. Without
// JavaScript the page works the same, only without the automatic update. Updates can be paused (WCAG 2.2.2),
// and wait while the keyboard focus is inside the figures, so nobody loses their place.
(function () {
  "use strict";

  function start() {
    var region = document.getElementById("dashboard-figures");
    var status = document.getElementById("dashboard-status");
    var pause = document.getElementById("dashboard-pause");
    if (!region || !status || !window.fetch || !window.DOMParser) { return; }
    var url = region.getAttribute("data-refresh-url");
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 60;
    var paused = false;

    if (pause) {
      pause.hidden = false;
      pause.addEventListener("click", function () {
        paused = !paused;
        pause.setAttribute("aria-pressed", paused ? "true" : "false");
      });
    }

    function refresh() {
      if (paused || document.hidden || region.contains(document.activeElement)) { return; }
      fetch(url, { credentials: "same-origin", headers: { "X-Background-Request": "1" } })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) {
          if (paused || region.contains(document.activeElement)) { return; }
          var parsed = new DOMParser().parseFromString(html, "text/html");
          var figures = parsed.body.firstElementChild;
          if (!figures || !figures.classList.contains("dashboard-figures")) { return; }
          region.replaceChildren(document.importNode(figures, true));
          var text = figures.getAttribute("data-status");
          if (text && text !== status.textContent) { status.textContent = text; }
        })
        .catch(function () { /* keep the figures shown; the next minute tries again */ });
    }

    window.setInterval(refresh, seconds * 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
