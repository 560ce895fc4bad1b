// Nothing typed is lost: what is typed into a form marked data-keep is kept in this browser until the server
// has saved it. If the session ran out (the save went to the login page) or the page was left unsaved, the
// values come back on the next visit, with a notice. A page with a success message clears the form it came from.
(function () {
  "use strict";
  var PREFIX = "teilhabe:typed:";

  function key(path) { return PREFIX + path; }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button" && el.type !== "password";
    });
  }

  function read(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox") { values[el.name + "|" + el.value] = el.checked; }
      else if (el.type === "radio") { if (el.checked) { values[el.name] = el.value; } }
      else { values[el.name] = el.value; }
    });
    return values;
  }

  function write(form, values) {
    var changed = false;
    fields(form).forEach(function (el) {
      if (el.type === "checkbox") {
        var k = el.name + "|" + el.value;
        if (k in values && el.checked !== values[k]) { el.checked = values[k]; changed = true; }
      } else if (el.type === "radio") {
        if (el.name in values && el.checked !== (values[el.name] === el.value)) {
          el.checked = values[el.name] === el.value; changed = true;
        }
      } else if (el.name in values && el.value !== values[el.name]) {
        el.value = values[el.name]; changed = true;
      }
    });
    return changed;
  }

  try {
    if (document.querySelector(".kern-alert--success") && document.referrer) {
      localStorage.removeItem(key(new URL(document.referrer).pathname));
    }
    var form = document.querySelector("form[data-keep]");
    if (!form) { return; }
    var path = location.pathname;
    var stored = localStorage.getItem(key(path));
    var shownWithErrors = document.querySelector(".error-summary");
    if (stored && !shownWithErrors && write(form, JSON.parse(stored))) {
      var notice = document.getElementById("restored-notice");
      if (notice) { notice.hidden = false; }
    }
    form.addEventListener("input", function () { localStorage.setItem(key(path), JSON.stringify(read(form))); });
    form.addEventListener("change", function () { localStorage.setItem(key(path), JSON.stringify(read(form))); });
  } catch (error) {
    // Storage can be switched off; the form then works as before.
  }
})();
