// Light the evidence sentence an event card (or an event page) links to: every piece of
// text whose data-ev lists the anchor in the URL fragment.
(function () {
  function light() {
    document.querySelectorAll(".ev.targeted").forEach(function (el) { el.classList.remove("targeted"); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id.startsWith("span-")) return;
    document.querySelectorAll(".ev").forEach(function (el) {
      if ((el.dataset.ev || "").split(" ").indexOf(id) >= 0) el.classList.add("targeted");
    });
  }
  window.addEventListener("hashchange", light);
  light();
})();
