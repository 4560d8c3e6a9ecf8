"""What a diagram's script may spend (app/engine/bounds.py), as the restricted environment runs it: loops that would
not finish and texts or lists that would fill the memory are stopped with a reason; ordinary ones are unchanged."""
import re

import pytest

from app.engine.scripting import ExpressionError, RestrictedEnvironment, check_expression


@pytest.mark.parametrize("source,reason", [
    ("for i in range(10 ** 9):\n    pass", "range() van 1000000000 getallen"),
    ("x = [1 for a in range(1000) for b in range(1000)]", "meer dan 100000 stappen"),
    ("x = 'a' * 10 ** 9", "meer dan 1000000 tekens"),
    ("x = [0] * 10 ** 8", "meer dan 1000000 tekens of elementen"),
    ("x = 'ab'\nfor i in range(40):\n    x = x + x", "meer dan 1000000 tekens"),
    ("x = 'ab'\nfor i in range(40):\n    x *= 2", "meer dan 1000000 tekens"),
    ("x = 2 ** 10 ** 8", "meer dan 10000 bits"),
    # One statement that would make a gigabyte or more out of little.
    ("x = 'a' * 10 ** 6\ny = ''.join([x] * 10 ** 6)", "meer dan 1000000 tekens"),
    ("x = 'a' * 10 ** 6\ny = str.join('', [x] * 10 ** 6)", "meer dan 1000000 tekens"),
    ("x = ','.join(str(i) for i in range(100)) + 'x'.ljust(10 ** 9)", "meer dan 1000000 tekens"),
    ("x = 'x'.rjust(10 ** 9)", "meer dan 1000000 tekens"),
    ("x = b'x'.center(10 ** 9)", "meer dan 1000000 tekens"),
    ("x = '7'.zfill(10 ** 9)", "meer dan 1000000 tekens"),
    ("x = ('\t' * 1000).expandtabs(10 ** 6)", "meer dan 1000000 tekens"),
    ("x = ('a' * 10 ** 5).replace('a', 'b' * 10 ** 5)", "meer dan 1000000 tekens"),
    ("x = 'abc'.replace('', '-' * 10 ** 6)", "meer dan 1000000 tekens"),
    ("x = [0] * 10 ** 6\nfor i in range(30):\n    x.extend(x)", "meer dan 1000000 tekens"),
    ("x = (1).to_bytes(10 ** 9, 'big')", "meer dan 1000000 tekens"),
    ("x = '%1000000000d' % 1", "meer dan 1000000 tekens"),
    ("x = '%.1000000000f' % 1.5", "meer dan 1000000 tekens"),
    ("x = '%*d' % (10 ** 9, 1)", "met * (breedte uit de waarden)"),
    ("x = '%s'\nx %= [['a' * 10 ** 6] * 10 ** 6]", "meer dan 1000000 tekens"),
    ("w = 10 ** 9\nx = f'{1:>{w}}'", "meer dan 1000000 tekens"),
    ("x = f'{7:01000000000d}'", "meer dan 1000000 tekens"),
    ("x = f\"{['a' * 10 ** 6] * 10 ** 6}\"", "meer dan 1000000 tekens"),
    ("x = str(['a' * 10 ** 6] * 10 ** 6)", "meer dan 1000000 tekens"),
    ("x = str(object=['a' * 10 ** 6] * 10 ** 6)", "meer dan 1000000 tekens"),
    ("x = sum([[0] * 10 ** 6] * 10 ** 6, [])", "meer dan 1000000 tekens"),
    # What a script leaves in the case data is stored and written out as JSON.
    ("x = ['a' * 10 ** 6] * 10 ** 6", "laat gegevens van meer dan 1000000 tekens"),
])
def test_a_script_that_would_not_finish_or_would_fill_the_memory_is_stopped(source, reason):
    check_expression(source, "exec")  # nothing to see before it runs
    with pytest.raises(ExpressionError, match=re.escape(reason)):
        RestrictedEnvironment({}).execute(source, {})


def test_ordinary_arithmetic_is_unchanged():
    env = RestrictedEnvironment({})
    assert env.evaluate("3 * 4 + 2 ** 10 + 2.5 * 2 + len('ab' * 3) + len([1] + [2]) + 10 ** -1", {}) == 1049.1
    assert env.evaluate("naam + ' ' + 'x' * 3", {"naam": "Jansen"}) == "Jansen xxx"
    assert env.evaluate("17 % 5 + 7.5 % 2", {}) == 3.5


@pytest.mark.parametrize("expression,value", [
    ("', '.join(['a', 'b']) + '-'.join(x for x in 'cd') + str.join('/', ['e', 'f'])", "a, bc-de/f"),
    ("naam.ljust(8, '.') + '7'.zfill(3) + 'x'.center(3) + 'a\tb'.expandtabs(2)", "Jansen..007 x a b"),
    ("'Wmo 2015'.replace('2015', '2015 (Wet maatschappelijke ondersteuning)')",
     "Wmo 2015 (Wet maatschappelijke ondersteuning)"),
    ("'%s heeft %d uur, %05.1f%%' % (naam, 3, 2.5)", "Jansen heeft 3 uur, 002.5%"),
    ("f'{naam:>8}|{3:03d}|{2.5:.2f}|{[1, 2]}|{naam!r}'", "  Jansen|003|2.50|[1, 2]|'Jansen'"),
    ("str(12) + str([1, 'a']) + str() + str.upper('x') + str(object=5) + str(b'ok', 'ascii')", "12[1, 'a']X5ok"),
    ("isinstance(naam, str) and isinstance(3, (str, int)) and not isinstance(3, str)", True),
    ("sum([1, 2, 3]) + sum([[1], [2]], [])[1] + len((1).to_bytes(4, 'big'))", 12),
])
def test_texts_and_lists_made_the_ordinary_way_are_unchanged(expression, value):
    assert RestrictedEnvironment({}).evaluate(expression, {"naam": "Jansen"}) == value


def test_a_list_extended_the_ordinary_way_is_unchanged():
    context = {}
    RestrictedEnvironment({}).execute("x = [1]\nx.extend([2, 3])\nx.extend(i for i in range(2))", context)
    assert context["x"] == [1, 2, 3, 0, 1]
