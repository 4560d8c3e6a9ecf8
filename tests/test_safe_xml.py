"""Threads that read route files at the same moment (a threaded web worker's first requests) each read their own."""
import threading
from pathlib import Path

from app import engine, safe_xml

ROUTE = Path(__file__).resolve().parents[1] / "processes" / "base"


def _load_in_threads(count: int, rounds: int) -> list[BaseException]:
    files = {path.name: path.read_bytes() for path in ROUTE.iterdir() if path.suffix in (".bpmn", ".dmn")}
    start, errors = threading.Barrier(count), []

    def load():
        start.wait()
        try:
            for _ in range(rounds):
                definition = engine.load(files, lanes=None)  # raises DefinitionError if a file was misread
                assert {"wmo_bezwaar", "wmo_onderzoek"} <= set(definition.subprocess_specs)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_four_threads_parse_the_whole_route_at_once_without_mixing_files():
    assert _load_in_threads(4, 5) == []


def test_each_thread_has_its_own_parser_that_refuses_entities():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(safe_xml.parser()))
    thread.start()
    thread.join()
    assert seen[0] is not safe_xml.parser() and safe_xml.parser() is safe_xml.parser()
    root = safe_xml.fromstring(b'<!DOCTYPE d [<!ENTITY e "geheim">]><d>&e;</d>')
    assert "geheim" not in (root.text or "")
