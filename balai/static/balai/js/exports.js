// Monthly reports page: while a report is being made, refresh the list every few seconds and say when it is ready.
// Without JavaScript the page says to refresh it; nothing else depends on this file.
(function () {
  "use strict";
  var section = document.getElementById("export-jobs");
  var announce = document.getElementById("export-announce");
  if (!section || !section.hasAttribute("data-pending") || !window.fetch || !window.DOMParser) return;
  Array.prototype.forEach.call(section.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
  var tries = 0;
  var ready = function (root) { return root.querySelectorAll("a[download]").length; };
  var before = ready(section);
  var poll = function () {
    tries += 1;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-jobs");
        if (!fresh) return;
        // Keep the focus where it was if it sat inside the list.
        var focused = section.contains(document.activeElement);
        section.innerHTML = fresh.innerHTML;
        if (ready(section) > before && announce) announce.textContent = section.getAttribute("data-ready-text");
        before = ready(section);
        if (focused) section.querySelector("h2").focus();
        if (fresh.hasAttribute("data-pending") && tries < 120) {
          Array.prototype.forEach.call(section.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
          window.setTimeout(poll, 5000);
        } else {
          section.removeAttribute("data-pending");
        }
      })
      .catch(function () { if (tries < 120) window.setTimeout(poll, 15000); });
  };
  window.setTimeout(poll, 3000);
})();
