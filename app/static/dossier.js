// The diagram in the case dossier: bpmn-js's NavigatedViewer shows one process of the case's own
// route version, with the elements the case completed and where it stands now as markers.
// The page lists the current steps as text too; this script only adds the picture.
(function () {
  "use strict";

  var figure = document.getElementById("procesdiagram");
  if (!figure || typeof window.BpmnJS !== "function") {
    return;
  }
  var canvasBox = document.getElementById("diagram-canvas");
  var title = document.getElementById("diagram-titel");
  var summary = document.getElementById("diagram-samenvatting");
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.processen a[data-proces]"));
  var viewer = new window.BpmnJS({ container: canvasBox });
  var markers = null;
  var shown = null;

  function find(processId) {
    return markers.processes.filter(function (p) { return p.id === processId; })[0];
  }

  function mark(process) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var taken = new Set(process.taken.map(function (pair) { return pair[0] + " " + pair[1]; }));
    function add(ids, marker) {
      ids.forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, marker);
        }
      });
    }
    add(process.completed, "dossier-gedaan");
    add(process.active, "dossier-nu");
    add(process.watching, "dossier-bewaakt");
    // The path taken: the sequence flows between two elements the case went through, one after the other.
    registry.filter(function (element) { return element.type === "bpmn:SequenceFlow"; }).forEach(function (flow) {
      var bo = flow.businessObject;
      if (bo.sourceRef && bo.targetRef && taken.has(bo.sourceRef.id + " " + bo.targetRef.id)) {
        canvas.addMarker(flow.id, "dossier-pad");
      }
    });
  }

  function describe(process) {
    var registry = viewer.get("elementRegistry");
    var names = process.active.map(function (id) {
      var element = registry.get(id);
      return (element && element.businessObject.name) || id;
    });
    return "Diagram: " + process.name + ". " + process.completed.length + " stappen afgerond. " +
      (names.length ? "Nu: " + names.join(", ") + "." :
        (markers.steps.length ? "Hier staat de zaak nu niet." : "De route is afgerond."));
  }

  function select(processId) {
    links.forEach(function (link) {
      if (link.dataset.proces === processId) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  function show(processId) {
    var process = find(processId);
    if (!process) {
      return Promise.resolve();
    }
    shown = processId;
    select(processId);
    figure.dataset.proces = processId;
    figure.classList.add("laadt");
    var url = figure.dataset.xml.replace("__proces__", encodeURIComponent(processId));
    return window.wmoDiagram.load(viewer, url)
      .then(function () {
        if (shown !== processId) {
          return;  // another process was chosen while this one loaded
        }
        viewer.get("canvas").zoom("fit-viewport", "auto");
        mark(process);
        title.textContent = process.name;
        summary.textContent = describe(process);
        // The drawing is one picture to a screen reader (its name says what it shows); the canvas stays
        // focusable so the keyboard can move and zoom it.
        var svg = canvasBox.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", summary.textContent);
        }
        figure.classList.remove("laadt");
        figure.classList.add("geladen");
      })
      .catch(function (error) {
        figure.classList.remove("laadt");
        figure.classList.add("fout");
        summary.textContent = "Het diagram kon niet worden getoond: " + error.message;
        title.textContent = "Het diagram kon niet worden getoond.";
      });
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!markers) {
        return;  // not loaded yet: let the link reload the page with this process
      }
      event.preventDefault();
      show(link.dataset.proces).then(function () {
        history.replaceState(null, "", "?proces=" + encodeURIComponent(link.dataset.proces) + "#procesdiagram");
      });
    });
  });

  // A click on a call activity opens the process it calls.
  viewer.on("element.click", function (event) {
    var bo = event.element.businessObject;
    if (bo && bo.$type === "bpmn:CallActivity" && bo.calledElement && find(bo.calledElement)) {
      show(bo.calledElement);
    }
  });

  fetch(figure.dataset.markers, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("markeringen niet geladen (" + response.status + ")");
      }
      return response.json();
    })
    .then(function (data) {
      markers = data;
      return show(figure.dataset.proces || data.current);
    })
    .catch(function (error) {
      figure.classList.add("fout");
      summary.textContent = "Het diagram kon niet worden getoond: " + error.message;
    });
}());
