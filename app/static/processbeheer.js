// The process owner's diagrams: one version's diagram (version page), or two side by side with what
// changed marked (compare page). The XML comes from the app's stored version; the list of changes on
// the page is the text, computed by the server; this script only adds the pictures and their marks.
(function () {
  "use strict";

  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.pb-diagram[data-xml]"));
  if (!figures.length || typeof window.BpmnJS !== "function") {
    return;
  }
  // Which marks each side shows: what was removed only exists before, what was added only after.
  var SIDES = {
    van: ["verwijderd", "gewijzigd", "verplaatst"],
    naar: ["toegevoegd", "gewijzigd", "verplaatst"]
  };
  var changes = Array.prototype.slice.call(document.querySelectorAll("#wijzigingenlijst [data-element]")).map(function (item) {
    return { id: item.dataset.element, kind: item.dataset.wijziging };
  });

  function mark(viewer, side) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var shown = 0;
    changes.forEach(function (change) {
      if (SIDES[side].indexOf(change.kind) >= 0 && registry.get(change.id)) {
        canvas.addMarker(change.id, "pb-" + change.kind);
        shown += 1;
      }
    });
    return shown;
  }

  figures.forEach(function (figure) {
    var box = figure.querySelector(".pb-canvas");
    var status = figure.querySelector(".pb-status");
    var viewer = new window.BpmnJS({ container: box });
    figure.bpmnViewer = viewer;
    figure.classList.add("laadt");
    window.wmoDiagram.load(viewer, figure.dataset.xml)
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        var label = figure.dataset.titel;
        if (figure.dataset.kant) {
          var count = mark(viewer, figure.dataset.kant);
          label += ": " + count + (count === 1 ? " element gemarkeerd" : " elementen gemarkeerd");
        }
        var svg = box.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", label);
        }
        figure.classList.remove("laadt");
        figure.classList.add("geladen");
      })
      .catch(function (error) {
        figure.classList.remove("laadt");
        figure.classList.add("fout");
        status.textContent = " Het diagram kon niet worden getoond: " + error.message;
      });
  });
}());
