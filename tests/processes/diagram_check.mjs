// Opens each BPMN file as bpmn.io does (bpmn-moddle) and checks that every participant, lane and flow element
// (flow nodes, boundary events, subprocess children, sequence flows) has its layout (BPMNDI), so the diagram
// opens complete in bpmn.io and Camunda Modeler.
// Usage: node diagram_check.mjs FILE...   Prints "file: element: reason" per problem; exits 1 when there is any.
import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';

const moddle = new BpmnModdle();
let problems = 0;
const report = (file, id, reason) => { problems += 1; console.log(`${file}: ${id}: ${reason}`); };

const needsDi = (el) => el.$instanceOf && (
  el.$instanceOf('bpmn:Participant')
  || el.$instanceOf('bpmn:Lane')
  || (el.$instanceOf('bpmn:FlowElement') && !el.$instanceOf('bpmn:DataObject')));

for (const file of process.argv.slice(2)) {
  let parsed;
  try {
    parsed = await moddle.fromXML(readFileSync(file, 'utf8'));
  } catch (error) {
    report(file, '-', `does not parse: ${error.message}`);
    continue;
  }
  const { rootElement, warnings, elementsById } = parsed;
  for (const warning of warnings) report(file, warning.element?.id ?? '-', `parse warning: ${warning.message}`);
  const diagrams = rootElement.diagrams ?? [];
  if (!diagrams.length) report(file, '-', 'no BPMNDiagram');
  const drawn = new Map();
  for (const diagram of diagrams) {
    for (const item of diagram.plane?.planeElement ?? []) {
      if (item.bpmnElement?.id) drawn.set(item.bpmnElement.id, item);
    }
  }
  for (const [id, el] of Object.entries(elementsById)) {
    if (!needsDi(el)) continue;
    const di = drawn.get(id);
    if (!di) {
      report(file, id, `${el.$type} has no shape or edge in the diagram`);
    } else if (el.$instanceOf('bpmn:SequenceFlow')) {
      if (!di.$instanceOf('bpmndi:BPMNEdge') || (di.waypoint ?? []).length < 2) report(file, id, 'sequence flow needs an edge with at least 2 waypoints');
    } else if (!di.$instanceOf('bpmndi:BPMNShape') || !di.bounds || !(di.bounds.width > 0 && di.bounds.height > 0)) {
      report(file, id, `${el.$type} needs a shape with bounds`);
    }
  }
}
process.exit(problems ? 1 : 0);
