"""Where a case stands in its route and which path it took, per process, as plain data.

The route's processes are joined by call activities; a restored workflow holds the tasks of
every process it has entered. For the diagram in the dossier we need, per process id, the
BPMN element ids that were completed and those that are active now (a ready user task, a
started call activity, an event the case waits for), plus the boundary events that watch an
active task (a term's timer, a message that may interrupt it). The path taken is the pairs
(element, next element) the task tree went through: the tree holds only the branch a gateway chose.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from .definitions import Definition

_NOW = TaskState.READY | TaskState.STARTED | TaskState.WAITING


@dataclass(frozen=True)
class Step:
    """An element the case stands at now (or that watches it), for a list beside the diagram."""

    process_id: str
    bpmn_id: str
    name: str
    kind: str  # user_task | call_activity | timer | message | wait


@dataclass
class ProcessProgress:
    """One process of the route: its name and file, and the element ids done, active and watching."""

    process_id: str
    name: str
    file: str | None
    completed: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    watching: list[str] = field(default_factory=list)
    taken: list[tuple[str, str]] = field(default_factory=list)  # (source id, target id) of each flow passed


@dataclass
class Progress:
    """The whole route: the process the case is in now, every process, and the current steps."""

    current: str
    processes: list[ProcessProgress]
    steps: list[Step]
    watching: list[Step]


def route_processes(definition: Definition) -> list[tuple[str, str, str | None]]:
    """Return (process id, name, file) for the main process and every process it calls, in route order."""
    specs = {definition.spec.name: definition.spec, **definition.subprocess_specs}
    ordered, queue = [], [definition.spec.name]
    while queue:  # breadth first: the route's own parts before the processes they call in turn
        process_id = queue.pop(0)
        if process_id in ordered or process_id not in specs:
            continue
        ordered.append(process_id)
        queue += [t.spec for t in specs[process_id].task_specs.values() if isinstance(t, SubWorkflowTask)]
    ordered += [p for p in specs if p not in ordered]
    return [(p, specs[p].description or p, specs[p].file) for p in ordered]


def element_names(definition: Definition) -> dict[str, str]:
    """Return {BPMN id: name} for every named element of every process of the route."""
    names = {}
    for spec in [definition.spec, *definition.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            if task_spec.bpmn_id and task_spec.bpmn_name:
                names[task_spec.bpmn_id] = task_spec.bpmn_name
    return names


def progress(definition: Definition, workflow: BpmnWorkflow) -> Progress:
    """Return, per process of the route, the elements completed and active in ``workflow``."""
    by_process = {p: ProcessProgress(p, name, file) for p, name, file in route_processes(definition)}
    steps, watching, ready_user = [], [], []
    # One walk over the whole tree: get_tasks(state=...) skips children of tasks that are still waiting.
    for task in sorted(workflow.get_tasks(), key=lambda t: t.last_state_change):
        spec = task.task_spec
        if not spec.bpmn_id:
            continue  # the engine's own join and split tasks are not in the diagram
        process_id = task.workflow.spec.name
        entry = by_process.setdefault(process_id, ProcessProgress(process_id, process_id, None))
        if task.state & (TaskState.COMPLETED | _NOW):
            source = _previous_element(task)
            if source is not None and (source, spec.bpmn_id) not in entry.taken:
                entry.taken.append((source, spec.bpmn_id))
        if task.state == TaskState.COMPLETED:
            _add(entry.completed, spec.bpmn_id)
        elif task.state & _NOW:
            step = Step(process_id, spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, _kind(spec))
            if isinstance(spec, BoundaryEvent):
                _add(entry.watching, spec.bpmn_id)
                watching.append(step)
                continue
            _add(entry.active, spec.bpmn_id)
            steps.append(step)
            if task.state == TaskState.READY and isinstance(spec, UserTask):
                ready_user.append(step)
    innermost = [s for s in steps if s.kind != "call_activity"]
    current = (ready_user or innermost or steps or [Step(definition.spec.name, "", "", "")])[0].process_id
    return Progress(current, list(by_process.values()), steps, watching)


def _previous_element(task) -> str | None:
    """The BPMN id of the element before ``task`` in its own process, skipping the engine's helper tasks."""
    parent = task.parent
    while parent is not None and parent.workflow is task.workflow and not parent.task_spec.bpmn_id:
        parent = parent.parent
    if parent is None or parent.workflow is not task.workflow or parent.state != TaskState.COMPLETED:
        return None
    return parent.task_spec.bpmn_id


def _add(ids: list[str], bpmn_id: str) -> None:
    if bpmn_id not in ids:  # a process entered twice (a loop, a second bezwaar) lists an element once
        ids.append(bpmn_id)


def _kind(spec) -> str:
    if isinstance(spec, UserTask):
        return "user_task"
    if isinstance(spec, SubWorkflowTask):
        return "call_activity"
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return "timer"
    if isinstance(definition, MessageEventDefinition):
        return "message"
    return "wait"
