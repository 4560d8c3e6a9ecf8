/* Load a diagram's XML from the app into a bpmn-js viewer: shared by the dossier, the workbench and "waar staan de zaken". */
(function () {
  "use strict";

  window.wmoDiagram = {
    /* Fetch the XML at url and import it into viewer; rejects with a Dutch message when the app refuses it. */
    load: function (viewer, url) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("diagram niet geladen (" + response.status + ")");
          }
          return response.text();
        })
        .then(function (xml) { return viewer.importXML(xml); });
    }
  };
})();
