// The diagram editor of the process owner: bpmn-js's Modeler, loaded with the file of the current
// version (or, after a refusal, with the edits that were sent). "Opslaan en in gebruik nemen" writes
// the diagram's XML into the form's hidden field and posts the form with its CSRF token; the server
// checks the whole route and either deploys it or lists the problems.
(function () {
  "use strict";

  var form = document.getElementById("modeler-formulier");
  var box = document.getElementById("modeler");
  var field = document.getElementById("model-xml");
  var status = document.getElementById("modeler-status");
  var button = document.getElementById("opslaan");
  if (!form || !box || !field || typeof window.BpmnJS !== "function") {
    return;
  }
  var modeler = new window.BpmnJS({ container: box });
  box.bpmnModeler = modeler;  // for the browser tests and the console
  var ready = false;
  button.disabled = true;

  modeler.importXML(field.value)
    .then(function (result) {
      modeler.get("canvas").zoom("fit-viewport", "auto");
      ready = true;
      button.disabled = false;
      box.classList.add("geladen");
      status.textContent = (result.warnings && result.warnings.length)
        ? "Geladen, met " + result.warnings.length + " waarschuwingen van de editor."
        : "Het diagram is geladen; u kunt het bewerken.";
    })
    .catch(function (error) {
      box.classList.add("fout");
      status.textContent = "Het diagram kon niet worden geladen: " + error.message;
    });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!ready) {
      return;
    }
    button.disabled = true;
    status.textContent = "Bezig met opslaan en controleren…";
    modeler.saveXML({ format: true })
      .then(function (result) {
        field.value = result.xml;
        form.submit();
      })
      .catch(function (error) {
        button.disabled = false;
        status.textContent = "Het diagram kon niet worden opgeslagen: " + error.message;
      });
  });
}());
