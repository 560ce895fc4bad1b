// While the decision letter is being prepared (it is rendered in the background right after the approval), the
// application page asks every five seconds whether it is ready and then loads itself again, saying so in the
// status line (aria-live="polite"). It stops asking after ten minutes; the link to reload stays. Without
// JavaScript the link does the same.
(function () {
  "use strict";

  function start() {
    var status = document.getElementById("letter-wait");
    if (!status || !window.fetch) { return; }
    var url = status.getAttribute("data-status-url");
    var asked = 0;

    function ask() {
      if (asked++ > 120) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "X-Background-Request": "1" } })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (answer) {
          if (answer.ready) {
            status.textContent = status.getAttribute("data-ready-text");
            window.location.reload();
          } else {
            window.setTimeout(ask, 5000);
          }
        })
        .catch(function () { window.setTimeout(ask, 5000); });
    }

    window.setTimeout(ask, 2000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
