"""Restricted evaluation of everything a diagram may compute.

SpiffWorkflow runs scripts, conditions, timer expressions and DMN cells with plain
eval/exec and full builtins. This module puts RestrictedPython in front of it: every
expression is compiled by RestrictedPython (no imports, no names or attributes that
start with "_", no attribute assignment) and runs with a short allow-list of builtins
and the route's helpers (dates, werkdagen, termijnen). ``check_expression`` is used when
a diagram is loaded, so a diagram that tries anything else is refused at deploy.
"""
from __future__ import annotations

import ast
import operator
from functools import lru_cache

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

ALLOWED_BUILTINS = {
    name: getattr(__import__("builtins"), name)
    for name in (
        "len", "min", "max", "sum", "sorted", "any", "all", "round", "abs", "int", "float",
        "str", "bool", "list", "dict", "tuple", "range", "enumerate", "zip", "isinstance",
    )
}
ALLOWED_BUILTINS.update({"True": True, "False": False, "None": None})

# A diagram's script must finish: no while loops (refused at deploy), and at most this many steps of
# for loops and comprehensions, and items in a range, per expression or script. The route needs a few dozen.
MAX_STEPS = 100_000
# Nor may it build what would fill the memory: a text or list made with + or * holds at most MAX_SIZE
# items, a power at most MAX_BITS bits.
MAX_SIZE = 1_000_000
MAX_BITS = 10_000

_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod,
}


class ExpressionError(ValueError):
    """An expression that RestrictedPython refuses to compile, or that would not finish."""


def _range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_STEPS:
        raise ExpressionError(f"range() van {len(numbers)} getallen; een diagram mag er hoogstens {MAX_STEPS}")
    return numbers


ALLOWED_BUILTINS["range"] = _range


def _counted_iter():
    """An ``_getiter_`` that stops a script after MAX_STEPS steps of all its loops together."""
    steps = 0

    def getiter(iterable):
        def counted():
            nonlocal steps
            for item in iterable:
                steps += 1
                if steps > MAX_STEPS:
                    raise ExpressionError(f"het script deed meer dan {MAX_STEPS} stappen en is gestopt")
                yield item
        return counted()

    return getiter


def _mul(a, b):
    for sequence, times in ((a, b), (b, a)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int) and len(sequence) * times > MAX_SIZE:
            raise ExpressionError(f"een tekst of lijst van meer dan {MAX_SIZE} tekens of elementen is niet toegestaan")
    return a * b


def _add(a, b):
    if isinstance(a, (str, bytes, list, tuple)) and isinstance(b, type(a)) and len(a) + len(b) > MAX_SIZE:
        raise ExpressionError(f"een tekst of lijst van meer dan {MAX_SIZE} tekens of elementen is niet toegestaan")
    return a + b


def _pow(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and b * abs(a).bit_length() > MAX_BITS:
        raise ExpressionError(f"een macht van meer dan {MAX_BITS} bits is niet toegestaan")
    return a ** b


def _inplacevar(op, target, value):
    if op not in _INPLACE:
        raise ExpressionError(f"operator {op} is niet toegestaan")
    if op == "*=":
        return _mul(target, value)
    if op == "+=":
        return _add(target, value)
    return _INPLACE[op](target, value)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, with ``a + b``, ``a * b`` and ``a ** b`` through the size guards above."""

    _GUARDED = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_"}

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        guard = self._GUARDED.get(type(node.op))
        if guard is None:
            return node
        name = ast.copy_location(ast.Name(id=guard, ctx=ast.Load()), node)
        return ast.copy_location(ast.Call(func=name, args=[node.left, node.right], keywords=[]), node)


_GUARDS = {
    "__builtins__": ALLOWED_BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_add_": _add,
    "_mul_": _mul,
    "_pow_": _pow,
}


# Besides RestrictedPython's own rules: no imports at all (it would defer them to run time), no while
# loops (a for loop over a range is counted, a while loop is not), and no str.format, whose replacement
# fields reach attributes without the attribute guard.
_REFUSED_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.While)
_REFUSED_ATTRIBUTES = frozenset({"format", "format_map"})
# Python's own ways out (files, code, frames, the interpreter): not in the allow-list, so unknown at run time anyway,
# but a diagram that names them is refused at deploy, with the element, rather than failing a case later.
_REFUSED_NAMES = frozenset({"open", "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr",
                            "delattr", "input", "breakpoint", "memoryview", "help", "exit", "quit"})


def _refuse(tree) -> None:
    for node in ast.walk(tree):
        if isinstance(node, _REFUSED_NODES):
            what = "een while-lus (die misschien nooit stopt)" if isinstance(node, ast.While) else type(node).__name__.lower()
            raise ExpressionError(f"regel {node.lineno}: {what} is niet toegestaan in een diagram")
        if isinstance(node, ast.Name) and node.id in _REFUSED_NAMES:
            raise ExpressionError(f"regel {node.lineno}: {node.id} is niet toegestaan in een diagram")
        if isinstance(node, ast.Attribute) and node.attr in _REFUSED_ATTRIBUTES:
            raise ExpressionError(f"regel {node.lineno}: .{node.attr}() is niet toegestaan in een diagram")


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str):
    try:
        _refuse(ast.parse(source, mode=mode))
    except SyntaxError as error:
        raise ExpressionError(f"syntaxfout: {error.msg} (regel {error.lineno})") from None
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename="<diagram>", policy=_Policy)
    if result.errors or result.code is None:
        raise ExpressionError("; ".join(result.errors) or "compileert niet")
    return result.code


def check_expression(source: str, mode: str) -> None:
    """Raise ExpressionError when ``source`` may not run in a diagram (mode 'eval' or 'exec')."""
    try:
        _compile(source, mode)
    except SyntaxError as error:  # RestrictedPython reports most problems in errors, a few raise
        raise ExpressionError(str(error)) from error


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Task data as globals, evaluated by RestrictedPython with the route's helpers."""

    def _namespace(self, context, external_context):
        namespace = dict(_GUARDS)
        namespace["_getiter_"] = _counted_iter()  # a fresh budget for each expression or script
        namespace.update(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        return eval(_compile(expression, "eval"), self._namespace(context, external_context))

    def execute(self, script, context, external_context=None):
        clash = set(self.globals).intersection(context)
        if clash:
            raise ValueError(f"task data overwrites a helper function: {sorted(clash)}")
        namespace = self._namespace(context, external_context)
        exec(_compile(script, "exec"), namespace)
        reserved = set(_GUARDS) | set(self.globals) | set(external_context or {})
        result = {
            key: value for key, value in namespace.items()
            if key not in reserved and not key.startswith("_") and not callable(value)
        }
        context.clear()
        context.update(result)
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionError("service tasks are not supported")


def make_script_engine(helpers: dict) -> PythonScriptEngine:
    """Return a SpiffWorkflow script engine that runs restricted, with ``helpers`` as globals."""
    return PythonScriptEngine(environment=RestrictedEnvironment(dict(helpers)))


def evaluate(script_engine: PythonScriptEngine, expression: str, data: dict):
    """Evaluate ``expression`` restricted, with the case ``data`` as names and as the dict ``zaak``."""
    return script_engine.environment.evaluate(expression, {**data, "zaak": dict(data)})
