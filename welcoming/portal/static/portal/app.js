/* Small improvements when JavaScript runs; every page works without it. */
(function () {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(function () {
      if (document.body.dataset.results && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ lastResults: location.href });
      }
    });
  }
  var button = document.getElementById("use-location");
  if (button && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.form;
        form.elements.lat.value = position.coords.latitude.toFixed(4);
        form.elements.lon.value = position.coords.longitude.toFixed(4);
        button.textContent = button.dataset.done;
      });
    });
  }
})();
