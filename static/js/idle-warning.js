// Staff are logged out after a while without activity (STAFF_SESSION_IDLE_MINUTES). A few minutes before, this
// shows the notice #idle-warning with a "Stay logged in" button, which tells the server without leaving the page.
// When the time is up the page loads itself again, and the server shows the login page with a notice. Without
// JavaScript the notice stays hidden and the server's notice on the login page remains.
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("idle-warning");
    if (!box) { return; }
    var form = box.querySelector("form");
    var idle = (parseInt(box.getAttribute("data-idle-seconds"), 10) || 1800) * 1000;
    var warning = (parseInt(box.getAttribute("data-warning-seconds"), 10) || 300) * 1000;
    // The server notes activity to the minute, so the session may end up to a minute before this page expects.
    var showAt = Math.max(idle - warning - 60000, 0);
    var warnTimer, endTimer;

    function arm() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      box.hidden = true;
      warnTimer = window.setTimeout(function () {
        box.hidden = false;
        var button = box.querySelector("button");
        if (button) { button.focus(); }
      }, showAt);
      endTimer = window.setTimeout(function () {
        window.location.assign(window.location.href);
      }, idle + 1000);
    }

    if (form && window.fetch && window.FormData) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          body: new FormData(form),
          headers: { Accept: "application/json" }
        })
          .then(function (response) {
            if (!response.ok || response.redirected) { throw new Error(response.status); }
            arm();
          })
          .catch(function () { window.location.assign(window.location.href); });
      });
    }
    arm();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
