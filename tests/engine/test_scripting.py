"""Diagram expressions run restricted: no imports, no dunder tricks, no file system."""

import pytest

from app.engine.scripting import ExpressionError, RestrictedEnvironment, check_expression

ESCAPES = [
    ("import os", "exec"),
    ("from os import path", "exec"),
    ("__import__('os')", "eval"),
    ("().__class__.__base__.__subclasses__()", "eval"),
    ("x = ().__class__", "exec"),
    ("getattr((), '__class__')", "eval"),
    ("open('/etc/passwd').read()", "eval"),
    ("eval('1')", "eval"),
    ("exec('x = 1')", "exec"),
    ("globals()", "eval"),
    ("vars()", "eval"),
    ("[c for c in ().__class__.__mro__]", "eval"),
    ("'{0.__class__}'.format(1)", "eval"),
    ("'{0.__class__}'.format_map({})", "eval"),
    ("def f():\n    import os\n", "exec"),
    ("global x", "exec"),
]


@pytest.mark.parametrize("source,mode", ESCAPES)
def test_known_escapes_are_refused(source, mode):
    env = RestrictedEnvironment({})
    with pytest.raises((ExpressionError, NameError, AttributeError, SyntaxError, TypeError)):
        check_expression(source, mode)
        if mode == "eval":
            env.evaluate(source, {})
        else:
            env.execute(source, {})


def test_refused_expression_names_the_reason():
    with pytest.raises(ExpressionError, match="_"):
        check_expression("().__class__", "eval")


def test_scripts_see_task_data_and_helpers_and_write_back():
    env = RestrictedEnvironment({"dubbel": lambda x: 2 * x})
    data = {"uren": 3, "besluit": {"soort": "zin"}}
    env.execute("totaal = dubbel(uren)\nsoort = besluit['soort']\nbesluit['klaar'] = True", data)
    assert data == {"uren": 3, "besluit": {"soort": "zin", "klaar": True}, "totaal": 6, "soort": "zin"}


def test_conditions_evaluate_against_task_data():
    env = RestrictedEnvironment({})
    assert env.evaluate('leveringsvorm == "pgb" and len(opmerkingen) > 2', {"leveringsvorm": "pgb", "opmerkingen": "abc"})


def test_script_may_not_shadow_a_helper():
    env = RestrictedEnvironment({"vandaag": lambda: "2026-11-22"})
    with pytest.raises(ValueError, match="vandaag"):
        env.execute("x = 1", {"vandaag": "oops"})


def test_builtins_outside_the_allow_list_are_unknown():
    env = RestrictedEnvironment({})
    with pytest.raises(NameError):
        env.evaluate("type(1)", {})


def test_str_format_stays_refused_through_the_guarded_str():
    with pytest.raises(ExpressionError, match="niet toegestaan in een diagram"):
        check_expression("x = str.format('{0}', 1)", "exec")


@pytest.mark.parametrize("source", ["while True:\n    pass", "x = open('/etc/passwd')", "f = eval"])
def test_a_while_loop_and_pythons_ways_out_are_refused_before_they_run(source):
    with pytest.raises(ExpressionError, match="niet toegestaan in een diagram"):
        check_expression(source, "exec")
