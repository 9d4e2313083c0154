/* A match run's page follows the run: it polls the run's progress as JSON, moves the bar, names the
   stage, and reloads the page once the run is done or has failed (to show figures and proposals).
   Without JavaScript the page refreshes itself every few seconds instead (<noscript> refresh). */
(function () {
  "use strict";
  var section = document.getElementById("progress");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.dataset.url;
  var bar = document.getElementById("run-progress");
  var percent = document.getElementById("run-percent");
  var stage = document.getElementById("run-stage");
  var state = document.getElementById("run-state");
  var delay = 1500;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        percent.textContent = data.progress + " %";
        stage.textContent = data.stage_label;
        state.textContent = data.state_label;
        if (data.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // signed out, or the server restarts: try again, more slowly
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
