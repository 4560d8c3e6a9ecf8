"""The engine: the only package that imports SpiffWorkflow.

It loads and checks route definitions (``definitions``), runs restricted expressions
(``scripting``, within the ``bounds`` of loop steps and sizes, with the ``helpers``), steps workflows (``runtime``), tells where a case stands
(``progress``), keeps one clock (``clock``) and (de)serializes state without its spec
(``serializer``). It knows nothing of Flask or the database; the services call it and
store what it returns.
"""
from .definitions import Definition, DefinitionError, Problem, UserTaskInfo, defined_ids, load
from .progress import Progress, ProcessProgress, element_names, progress, route_processes
from .runtime import (
    EngineError,
    NotWaiting,
    ReadyTask,
    Step,
    StepFailed,
    TaskNotReady,
    WaitingTimer,
    complete,
    fire_timers,
    is_finished,
    ready_tasks,
    restore,
    send_event,
    start,
    waiting_messages,
    waiting_timers,
)
from .scripting import ExpressionError, check_expression, evaluate, make_script_engine
from .serializer import dumps, loads
