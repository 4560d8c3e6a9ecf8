// Opens each BPMN file as bpmn.io does (bpmn-moddle) and checks that every element has its layout (BPMNDI).
// Usage: node diagram_check.mjs FILE...   Prints "file: element: reason" per problem; exits 1 when there is any.
import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';

const moddle = new BpmnModdle();
let problems = 0;
const report = (file, id, reason) => { problems += 1; console.log(`${file}: ${id}: ${reason}`); };

for (const file of process.argv.slice(2)) {
  const { rootElement, warnings, elementsById } = await moddle.fromXML(readFileSync(file, 'utf8'));
  for (const warning of warnings) report(file, warning.element?.id ?? '-', warning.message);
  const drawn = new Set();
  for (const diagram of rootElement.diagrams ?? []) {
    for (const item of diagram.plane.planeElement ?? []) drawn.add(item.bpmnElement?.id);
  }
  const needsDi = (el) => ['bpmn:Participant', 'bpmn:Lane', 'bpmn:SequenceFlow'].includes(el.$type)
    || (el.$instanceOf && el.$instanceOf('bpmn:FlowNode'));
  for (const [id, el] of Object.entries(elementsById)) {
    if (needsDi(el) && !drawn.has(id)) report(file, id, `${el.$type} has no shape or edge in the diagram`);
  }
  if (!(rootElement.diagrams ?? []).length) report(file, '-', 'no BPMNDiagram');
}
process.exit(problems ? 1 : 0);
