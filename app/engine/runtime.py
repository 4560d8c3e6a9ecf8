"""Run a case's workflow: start, complete a user task, deliver an event, fire timers.

Every function works on a restored ``BpmnWorkflow`` and returns plain values; nothing
here knows of Flask or the database. ``Step`` collects what a step changed, so the
caller can store state, projections and the audit entry in one transaction.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from . import clock
from .definitions import Definition
from .serializer import loads


class EngineError(Exception):
    """Root of the engine's errors (the app maps them to HTTP)."""


class TaskNotReady(EngineError):
    """The task does not exist in this case or is no longer ready."""


class NotWaiting(EngineError):
    """The case does not wait for this event now."""


class StepFailed(EngineError):
    """A script, condition, timer or decision in the diagram failed; nothing is stored."""


@dataclass(frozen=True)
class ReadyTask:
    """A ready user task as the inbox shows it."""

    id: str
    bpmn_id: str
    title: str
    lane: str | None


@dataclass(frozen=True)
class WaitingTimer:
    """A timer the case waits on, with its due instant (UTC)."""

    task_id: str
    bpmn_id: str
    due: datetime


@dataclass
class Step:
    """What one step did: the data it changed, in order, and the tasks it completed."""

    changes: dict = field(default_factory=dict)
    completed: list[str] = field(default_factory=list)


def start(definition: Definition, script_engine, data: dict) -> tuple[BpmnWorkflow, Step]:
    """Create a workflow for a new case with ``data`` as its start data and run it."""
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=script_engine)
    workflow.get_next_task(state=TaskState.READY).data.update(data)
    return workflow, _run(workflow, lambda: None)


def restore(definition: Definition, script_engine, state: str) -> BpmnWorkflow:
    """Restore a case's workflow from its stored state and re-attach the script engine."""
    workflow = loads(state, definition.spec, definition.subprocess_specs)
    workflow.script_engine = script_engine  # not serialized: SpiffWorkflow restores the default one
    return workflow


def complete(workflow: BpmnWorkflow, task_id: str, answers: dict) -> Step:
    """Complete the ready user task ``task_id`` with ``answers`` and run to the next wait."""
    task = _ready_user_task(workflow, task_id)

    def act():
        task.data.update(answers)
        task.run()

    return _run(workflow, act)


def send_event(workflow: BpmnWorkflow, name: str, payload: dict) -> Step:
    """Deliver the outside event ``name`` with ``payload``; raise NotWaiting if nothing waits."""
    found = [d for t in _waiting(workflow) for d in _definitions(t) if _is_message(d) and d.name == name]
    if not found:
        raise NotWaiting(f"de zaak wacht nu niet op {name!r}")
    return _run(workflow, lambda: workflow.send_event(BpmnEvent(found[0], payload)))


def fire_timers(workflow: BpmnWorkflow) -> Step:
    """Fire every timer due at the engine clock's now, and what follows from them."""

    def act():
        # SpiffWorkflow fires a timer when due < now; a timer due exactly now is due too.
        with clock.at(clock.now() + timedelta(microseconds=1)):
            # The catching events waiting now, from SpiffWorkflow's event manager (no tree walk): only a new one can
            # hold a timer that is due at once.
            before = set(workflow.event_manager.tasks)
            for _ in range(50):  # a fired timer may make the next one due at once
                workflow.refresh_timers()
                workflow.do_engine_steps()
                after = set(workflow.event_manager.tasks)
                if after == before:
                    break
                before = after

    return _run(workflow, act)


def ready_tasks(workflow: BpmnWorkflow) -> list[ReadyTask]:
    """Return the ready user tasks, in a stable order."""
    tasks = [
        t for t in workflow.get_tasks(state=TaskState.READY) if isinstance(t.task_spec, UserTask)
    ]
    return [
        ReadyTask(str(t.id), t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id, t.task_spec.lane)
        for t in sorted(tasks, key=lambda t: (t.last_state_change, str(t.id)))
    ]


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Return every timer the case waits on with its due instant."""
    timers = []
    for task in _waiting(workflow):
        if not any(isinstance(d, TimerEventDefinition) for d in _definitions(task)):
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):  # cycle timers keep {"next": iso, ...}
            value = value.get("next")
        if isinstance(value, str):
            timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, _instant(value)))
    return timers


def waiting_messages(workflow: BpmnWorkflow) -> list[str]:
    """Return the names of the outside events the case waits for now."""
    return sorted({d.name for t in _waiting(workflow) for d in _definitions(t) if _is_message(d)})


def is_finished(workflow: BpmnWorkflow) -> bool:
    """Whether the case's route has reached its end."""
    return workflow.completed


def _run(workflow: BpmnWorkflow, act) -> Step:
    clock.install()
    started = time.time()
    try:
        act()
        workflow.do_engine_steps()
    except SpiffWorkflowException as error:
        raise StepFailed(_describe(error)) from error
    except (ValueError, TypeError, NameError, KeyError) as error:
        raise StepFailed(str(error)) from error
    # One walk over the whole tree: get_tasks(state=COMPLETED) would skip children of tasks still
    # waiting (e.g. under a boundary timer).
    tasks = workflow.get_tasks()
    errored = next((t for t in tasks if t.state == TaskState.ERROR), None)
    if errored is not None:
        raise StepFailed(f"taak {errored.task_spec.bpmn_id} is in fout geraakt")
    step = Step()
    done = [t for t in tasks if t.state == TaskState.COMPLETED and t.last_state_change >= started]
    for task in sorted(done, key=lambda t: t.last_state_change):
        parent = task.parent.data if task.parent is not None else {}
        for key, value in task.data.items():
            if key not in parent or parent[key] != value:
                step.changes[key] = value
        if task.task_spec.bpmn_id:
            step.completed.append(task.task_spec.bpmn_id)
    return step


def _instant(value: str) -> datetime:
    due = datetime.fromisoformat(value)
    if due.tzinfo is None:  # only a diagram that bypassed the helpers writes naive instants
        due = due.replace(tzinfo=clock.AMSTERDAM)
    return due.astimezone(timezone.utc)


def _ready_user_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, KeyError, TypeError):
        task = None
    # SpiffWorkflow's task.run() has no state guard: check it here.
    if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
        raise TaskNotReady(f"taak {task_id} is niet (meer) open in deze zaak")
    return task


def _waiting(workflow: BpmnWorkflow):
    return workflow.get_tasks(state=TaskState.WAITING)


def _definitions(task) -> list:
    """The event definitions a waiting task catches (an event-based gateway waits for several)."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def _is_message(definition) -> bool:
    return isinstance(definition, MessageEventDefinition)


def _describe(error: SpiffWorkflowException) -> str:
    task = getattr(error, "task", None)
    where = f" (element {task.task_spec.bpmn_id})" if task is not None else ""
    return f"{error}{where}"
