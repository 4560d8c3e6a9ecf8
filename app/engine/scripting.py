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
import re
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
# Nor may it build what would fill the memory: a text or list made with +, *, %, an f-string, str(), sum() or a method
# that pads, joins, replaces or extends holds at most MAX_SIZE items, a power at most MAX_BITS bits, and what a script
# leaves in the case data at most MAX_SIZE characters and elements. Not bounded: methods that make a few times their
# input (upper(), hex(), split()), which many statements one after another could still double and double again.
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


def _too_big() -> ExpressionError:
    return ExpressionError(f"een tekst of lijst van meer dan {MAX_SIZE} tekens of elementen is niet toegestaan")


def _check_size(size: int) -> None:
    if size > MAX_SIZE:
        raise _too_big()


def _size(value, budget: int = MAX_SIZE) -> int:
    """Characters and elements in ``value``, counted through its lists and dicts until past ``budget``.

    A list that holds one text many times counts it each time, as writing it out (str, JSON) would.
    """
    total, pending = 0, [value]
    while pending and total <= budget:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            if total <= budget:
                pending += item.keys()
                pending += item.values()
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            if total <= budget:
                pending += item
        else:
            total += 1
    return total


def _mul(a, b):
    for sequence, times in ((a, b), (b, a)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int):
            _check_size(len(sequence) * times)
    return a * b


def _add(a, b):
    if isinstance(a, (str, bytes, list, tuple)) and isinstance(b, type(a)):
        _check_size(len(a) + len(b))
    return a + b


# A width or precision in a %-format or an f-string's format spec ("%9d", f"{x:>9}"): the text it makes is that long.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def _mod(a, b):
    """``a % b``; for a text, with the widths of its %-format and the size of what it writes in checked first."""
    if isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for width, precision, _ in _PERCENT_SPEC.findall(text):
            if "*" in (width, precision):
                raise ExpressionError("een %-opmaak met * (breedte uit de waarden) is niet toegestaan")
            _check_size(max(int(width or 0), int(precision or 0)))
        _check_size(len(a) + _size(b))
    return a % b


def _format_value(value):
    """What an f-string writes out of a value: its size checked first (a list holding one big text many times)."""
    _check_size(_size(value))
    return value


def _format_spec(spec: str) -> str:
    """An f-string's format spec: no width or precision of more than MAX_SIZE."""
    for number in re.findall(r"\d+", spec):
        _check_size(int(number))
    return spec


class _GuardedStr(type):
    """``str`` for a diagram: ``str(x)`` of a value that would write out more than MAX_SIZE is refused;
    ``isinstance(x, str)`` and ``str.upper(x)`` work as with ``str`` itself."""

    def __call__(cls, *args, **kwargs):
        if len(args) + len(kwargs) == 1 and "encoding" not in kwargs and "errors" not in kwargs:  # str(x), str(object=x)
            _check_size(_size(args[0] if args else kwargs["object"]))
        return str(*args, **kwargs)

    def __instancecheck__(cls, instance):
        return isinstance(instance, str)

    def __getattr__(cls, name):
        return getattr(str, name)


class _str(metaclass=_GuardedStr):
    pass


def _sum(iterable, start=0):
    if isinstance(start, (str, bytes, list, tuple)):
        items = list(iterable)
        _check_size(len(start) + sum(len(item) for item in items if isinstance(item, (str, bytes, list, tuple))))
        return sum(items, start)
    return sum(iterable, start)


ALLOWED_BUILTINS["str"] = _str
ALLOWED_BUILTINS["sum"] = _sum


# Methods that make a text or list larger than what they are given, by a number or by repeating it: checked before they
# run. (Methods that make at most a few times their input, such as upper() or hex(), are not; see MAX_SIZE's note.)
def _join(self, method, iterable):
    items = list(iterable)
    _check_size(len(items))
    _check_size(len(self) * max(0, len(items) - 1) + sum(len(i) for i in items if isinstance(i, (str, bytes))))
    return method(items)


def _pad(self, method, width, *args):
    if isinstance(width, int):
        _check_size(width)
    return method(width, *args)


def _expandtabs(self, method, tabsize=8):
    if isinstance(tabsize, int):
        _check_size(len(self) + self.count("\t" if isinstance(self, str) else b"\t") * max(0, tabsize))
    return method(tabsize)


def _replace(self, method, old, new, count=-1):
    if isinstance(old, type(self)) and isinstance(new, type(self)) and len(new) > len(old):
        times = self.count(old) if old else len(self) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        _check_size(len(self) + times * (len(new) - len(old)))
    return method(old, new, count)


def _extend(self, method, iterable):
    items = list(iterable)
    _check_size(len(self) + len(items))
    return method(items)


def _to_bytes(self, method, length=1, *args, **kwargs):
    if isinstance(length, int):
        _check_size(length)
    return method(length, *args, **kwargs)


_METHOD_GUARDS = {
    (str, "join"): _join, (bytes, "join"): _join,
    **{(kind, name): _pad for kind in (str, bytes) for name in ("ljust", "rjust", "center", "zfill")},
    (str, "expandtabs"): _expandtabs, (bytes, "expandtabs"): _expandtabs,
    (str, "replace"): _replace, (bytes, "replace"): _replace,
    (list, "extend"): _extend,
    (int, "to_bytes"): _to_bytes,
}


def _getattr(obj, name, *default):
    """RestrictedPython's ``safer_getattr``, with the methods above checked (also as ``str.join(sep, items)``)."""
    if obj is _str and name in _REFUSED_ATTRIBUTES:
        raise NotImplementedError("str.format is niet toegestaan")
    value = safer_getattr(obj, name, *default)
    if isinstance(obj, type):
        kind = str if obj is _str else obj
        guard = _METHOD_GUARDS.get((kind, name))
        if guard is not None:
            return lambda self, *args, **kwargs: _getattr(self, name)(*args, **kwargs)
        return value
    for kind in type(obj).__mro__:
        guard = _METHOD_GUARDS.get((kind, name))
        if guard is not None:
            return lambda *args, **kwargs: guard(obj, value, *args, **kwargs)
    return value


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
    if op == "%=":
        return _mod(target, value)
    return _INPLACE[op](target, value)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, with ``a + b``, ``a * b``, ``a ** b``, ``a % b`` and f-strings through the size
    guards above."""

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
    "_inplacevar_": _inplacevar,
    "_add_": _add,
    "_mul_": _mul,
    "_pow_": _pow,
    "_mod_": _mod,
    "_format_value_": _format_value,
    "_format_spec_": _format_spec,
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


def _check_result(value) -> None:
    """What a script leaves in the case data (or an expression gives) is stored and written out: at most MAX_SIZE."""
    if isinstance(value, (bool, int, float)) or value is None:  # what conditions give: nothing to count
        return
    if _size(value) > MAX_SIZE:
        raise ExpressionError(f"het script laat gegevens van meer dan {MAX_SIZE} tekens of elementen na; "
                              "dat is niet toegestaan")


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
        result = eval(_compile(expression, "eval"), self._namespace(context, external_context))
        _check_result(result)
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
        _check_result(result)
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
