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

from . import bounds
from .bounds import ExpressionError

ALLOWED_BUILTINS = {
    name: getattr(__import__("builtins"), name)
    for name in (
        "len", "min", "max", "sorted", "any", "all", "round", "abs", "int", "float",
        "bool", "list", "dict", "tuple", "enumerate", "zip", "isinstance",
    )
}
ALLOWED_BUILTINS.update({"True": True, "False": False, "None": None})
# range, str and sum as ones that refuse what would not finish or would fill the memory.
ALLOWED_BUILTINS.update({"range": bounds.guarded_range, "str": bounds.guarded_str, "sum": bounds.guarded_sum})


def _getattr(obj, name, *default):
    """RestrictedPython's ``safer_getattr``, with the methods that could fill the memory checked (``bounds``)."""
    if obj is bounds.guarded_str and name in _REFUSED_ATTRIBUTES:
        raise NotImplementedError("str.format is niet toegestaan")
    return bounds.guarded_method(obj, name, safer_getattr(obj, name, *default))


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, with ``a + b``, ``a * b``, ``a ** b``, ``a % b`` and f-strings through the guards of
    ``bounds``."""

    _GUARDED = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.Mod: "_mod_"}

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)

        def call(guard, argument):
            return ast.copy_location(ast.Call(func=ast.copy_location(ast.Name(id=guard, ctx=ast.Load()), node),
                                              args=[argument], keywords=[]), node)

        node.value = call("_format_value_", node.value)
        if node.format_spec is not None:
            spec = ast.copy_location(ast.FormattedValue(value=call("_format_spec_", node.format_spec), conversion=-1,
                                                        format_spec=None), node)
            node.format_spec = ast.copy_location(ast.JoinedStr(values=[spec]), node)
        return node

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        guard = self._GUARDED.get(type(node.op))
        if guard is None:
            return node
        name = ast.copy_location(ast.Name(id=guard, ctx=ast.Load()), node)
        return ast.copy_location(ast.Call(func=name, args=[node.left, node.right], keywords=[]), node)


_GUARDS = {
    "__builtins__": ALLOWED_BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": bounds.inplacevar,
    "_add_": bounds.add,
    "_mul_": bounds.mul,
    "_pow_": bounds.power,
    "_mod_": bounds.mod,
    "_format_value_": bounds.format_value,
    "_format_spec_": bounds.format_spec,
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
        namespace["_getiter_"] = bounds.counted_iter()  # a fresh budget for each expression or script
        namespace.update(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        result = eval(_compile(expression, "eval"), self._namespace(context, external_context))
        bounds.check_result(result)
        return result

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
        bounds.check_result(result)
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
