// "Waar staan de zaken": bpmn-js's NavigatedViewer shows one process of a version's route, with an
// overlay on each element: the number of cases there now and the average time cases spend there.
// The page has the same figures as a table and links per process; this script only adds the picture.
(function () {
  "use strict";

  var figure = document.getElementById("heatmap");
  if (!figure || typeof window.BpmnJS !== "function") {
    return;
  }
  var canvasBox = document.getElementById("heatmap-canvas");
  var title = document.getElementById("heatmap-titel");
  var status = document.getElementById("heatmap-status");
  var viewer = new window.BpmnJS({ container: canvasBox });
  var figures = null;
  var shown = null;

  function processName(processId) {
    var found = figures.processen.filter(function (p) { return p.id === processId; })[0];
    return found ? found.name : processId;
  }

  function label(element) {
    // Built from text nodes only: names come from the diagram and are never parsed as HTML.
    var box = document.createElement("div");
    box.className = "hm-plaat" + (element.nu > 0 ? " hm-druk" : "");
    var count = document.createElement("span");
    count.className = "hm-aantal";
    count.textContent = element.nu + " nu";
    box.appendChild(count);
    box.appendChild(document.createTextNode(" · gem. " + element.gemiddeld_tekst));
    box.title = element.name + ": " + element.nu + " zaken nu (gemiddeld " + element.gemiddeld_nu_tekst +
      " tot nu), " + element.afgerond + " afgerond (gemiddeld " + element.gemiddeld_afgerond_tekst + ")";
    return box;
  }

  function mark(processId) {
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    var canvas = viewer.get("canvas");
    var waiting = 0;
    figures.elementen.forEach(function (element) {
      if (element.process_id !== processId || !registry.get(element.id)) {
        return;
      }
      overlays.add(element.id, "heatmap", { position: { bottom: -4, left: 0 }, html: label(element) });
      if (element.nu > 0) {
        canvas.addMarker(element.id, "hm-bezet");
        waiting += element.nu;
      }
    });
    return waiting;
  }

  function show(processId) {
    shown = processId;
    var url = figure.dataset.xml.replace("__proces__", encodeURIComponent(processId));
    return window.wmoDiagram.load(viewer, url)
      .then(function () {
        if (shown !== processId) {
          return;
        }
        viewer.get("canvas").zoom("fit-viewport", "auto");
        var waiting = mark(processId);
        title.textContent = processName(processId);
        status.textContent = "Diagram " + processName(processId) + ": " + waiting + " zaken staan nu in dit proces.";
        var svg = canvasBox.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", status.textContent + " De cijfers per stap staan in de tabel.");
        }
        figure.classList.add("geladen");
      })
      .catch(function (error) {
        figure.classList.add("fout");
        status.textContent = "Het diagram kon niet worden getoond: " + error.message;
      });
  }

  // A click on a call activity opens the process it calls (the table below follows with the page).
  viewer.on("element.click", function (event) {
    var bo = event.element.businessObject;
    if (figures && bo && bo.$type === "bpmn:CallActivity" && bo.calledElement &&
        figures.processen.some(function (p) { return p.id === bo.calledElement; })) {
      window.location.assign("?proces=" + encodeURIComponent(bo.calledElement) + "#heatmap");
    }
  });

  fetch(figure.dataset.cijfers, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("cijfers niet geladen (" + response.status + ")");
      }
      return response.json();
    })
    .then(function (data) {
      figures = data;
      return show(figure.dataset.proces);
    })
    .catch(function (error) {
      figure.classList.add("fout");
      status.textContent = "Het diagram kon niet worden getoond: " + error.message;
    });
}());
