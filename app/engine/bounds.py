"""What a diagram's script may spend: loop steps, and the size of what it builds and leaves behind.

``scripting`` compiles every expression with RestrictedPython and routes the operators, f-strings, the builtins
``range``, ``str`` and ``sum``, attribute access and loops through the guards here, which refuse (ExpressionError)
before the work is done rather than after the memory is gone.
"""
from __future__ import annotations

import operator
import re


class ExpressionError(ValueError):
    """An expression that RestrictedPython refuses to compile, or that would not finish."""


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


def guarded_range(*args):
    """``range`` for a diagram: at most MAX_STEPS numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_STEPS:
        raise ExpressionError(f"range() van {len(numbers)} getallen; een diagram mag er hoogstens {MAX_STEPS}")
    return numbers


def counted_iter():
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


def _check_size(size: int) -> None:
    if size > MAX_SIZE:
        raise ExpressionError(f"een tekst of lijst van meer dan {MAX_SIZE} tekens of elementen is niet toegestaan")


def size(value, budget: int = MAX_SIZE) -> int:
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


def mul(a, b):
    for sequence, times in ((a, b), (b, a)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int):
            _check_size(len(sequence) * times)
    return a * b


def add(a, b):
    if isinstance(a, (str, bytes, list, tuple)) and isinstance(b, type(a)):
        _check_size(len(a) + len(b))
    return a + b


# A width or precision in a %-format or an f-string's format spec ("%9d", f"{x:>9}"): the text it makes is that long.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def mod(a, b):
    """``a % b``; for a text, with the widths of its %-format and the size of what it writes in checked first."""
    if isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for width, precision, _ in _PERCENT_SPEC.findall(text):
            if "*" in (width, precision):
                raise ExpressionError("een %-opmaak met * (breedte uit de waarden) is niet toegestaan")
            _check_size(max(int(width or 0), int(precision or 0)))
        _check_size(len(a) + size(b))
    return a % b


def format_value(value):
    """What an f-string writes out of a value: its size checked first (a list holding one big text many times)."""
    _check_size(size(value))
    return value


def format_spec(spec: str) -> str:
    """An f-string's format spec: no width or precision of more than MAX_SIZE."""
    for number in re.findall(r"\d+", spec):
        _check_size(int(number))
    return spec


class _GuardedStr(type):
    """``str`` for a diagram: ``str(x)`` of a value that would write out more than MAX_SIZE is refused;
    ``isinstance(x, str)`` and ``str.upper(x)`` work as with ``str`` itself."""

    def __call__(cls, *args, **kwargs):
        if len(args) + len(kwargs) == 1 and "encoding" not in kwargs and "errors" not in kwargs:  # str(x), str(object=x)
            _check_size(size(args[0] if args else kwargs["object"]))
        return str(*args, **kwargs)

    def __instancecheck__(cls, instance):
        return isinstance(instance, str)

    def __getattr__(cls, name):
        return getattr(str, name)


class guarded_str(metaclass=_GuardedStr):
    pass


def guarded_sum(iterable, start=0):
    if isinstance(start, (str, bytes, list, tuple)):
        items = list(iterable)
        _check_size(len(start) + sum(len(item) for item in items if isinstance(item, (str, bytes, list, tuple))))
        return sum(items, start)
    return sum(iterable, start)


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


def guarded_method(obj, name: str, value):
    """``value``, the attribute ``name`` of ``obj``; for a method above, that method with its check in front (also when
    taken from the type: ``str.join(sep, items)``)."""
    if isinstance(obj, type):
        kind = str if obj is guarded_str else obj
        if (kind, name) in _METHOD_GUARDS:
            return lambda self, *args, **kwargs: guarded_method(self, name, getattr(self, name))(*args, **kwargs)
        return value
    for kind in type(obj).__mro__:
        guard = _METHOD_GUARDS.get((kind, name))
        if guard is not None:
            return lambda *args, **kwargs: guard(obj, value, *args, **kwargs)
    return value


def power(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and b * abs(a).bit_length() > MAX_BITS:
        raise ExpressionError(f"een macht van meer dan {MAX_BITS} bits is niet toegestaan")
    return a ** b


def inplacevar(op, target, value):
    if op not in _INPLACE:
        raise ExpressionError(f"operator {op} is niet toegestaan")
    if op == "*=":
        return mul(target, value)
    if op == "+=":
        return add(target, value)
    if op == "%=":
        return mod(target, value)
    return _INPLACE[op](target, value)


def check_result(value) -> None:
    """What a script leaves in the case data (or an expression gives) is stored and written out: at most MAX_SIZE."""
    if isinstance(value, (bool, int, float)) or value is None:  # what conditions give: nothing to count
        return
    if size(value) > MAX_SIZE:
        raise ExpressionError(f"het script laat gegevens van meer dan {MAX_SIZE} tekens of elementen na; "
                              "dat is niet toegestaan")
