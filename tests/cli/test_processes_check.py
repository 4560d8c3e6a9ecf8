"""`wmo processes check` over every variant: each problem as file: element id: reason, exit non-zero."""
import shutil

from .test_wmo import ROOT, wmo

ONDERZOEK = ROOT / "processes" / "base" / "wmo_onderzoek.bpmn"
ROUTE = ROOT / "processes" / "base" / "wmo_route.bpmn"


def _install(tmp_path, sections: str = "", folders=("base",)):
    """A configuration in tmp_path with processes/base (and ``folders``), forms/ and extra config ``sections``."""
    for folder in folders:
        shutil.copytree(ROOT / "processes" / folder, tmp_path / "processes" / folder)
    shutil.copytree(ROOT / "forms" / "base", tmp_path / "forms" / "base")
    text = (ROOT / "config.toml").read_text()
    text = text[:text.index("\n[gemeenten.") + 1]  # only the national route: the shipped variants are checked elsewhere
    (tmp_path / "config.toml").write_text(text + '[gemeenten.base]\nnaam = "Landelijk"\n' + sections)
    return {"WMO_CONFIG": str(tmp_path / "config.toml")}


def test_a_broken_variant_names_file_element_and_reason_for_each_problem(tmp_path):
    env = _install(tmp_path, '[gemeenten.kapotstad]\nnaam = "Kapotstad"\n'
                             '[gemeenten.zoekstad]\nnaam = "Zoekstad"\n'
                             '[gemeenten.leegstad]\nnaam = "Leegstad"\n')
    kapot = tmp_path / "processes" / "kapotstad"
    kapot.mkdir()
    text = ONDERZOEK.read_text()
    text = text.replace('value="gesprek_plannen.json"', 'value="gesprek_inplannen.json"')  # a form that does not exist
    text = text.replace('name="klantmanager"', 'name="wijkteam"')  # a lane no role of kapotstad does
    text = text.replace('termijn_verlopen("persoonlijk_plan", onderzoek_vanaf)', 'termijn_verlopen("persoonlijk_plan", onderzoek_vanf)')
    (kapot / "onderzoek_kapotstad.bpmn").write_text(text)  # another name, same process id: replaces wmo_onderzoek
    zoek = tmp_path / "processes" / "zoekstad"
    zoek.mkdir()
    (zoek / "wmo_route.bpmn").write_text(ROUTE.read_text().replace('calledElement="wmo_hulp"', 'calledElement="wmo_hulp_zoek"'))
    (tmp_path / "processes" / "weesstad").mkdir()  # a folder without a config section

    result = wmo(tmp_path, "processes", "check", env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    file = "processes/kapotstad/onderzoek_kapotstad.bpmn"
    assert any(l.startswith(f"{file}: gesprek_plannen: ") and "gesprek_inplannen.json" in l for l in lines), lines
    assert any(l.startswith(f"{file}: gesprek_voeren: ") and "'wijkteam'" in l for l in lines), lines
    assert any(l.startswith(f"{file}: plan_termijn_verstreken: ") and "onderzoek_vanf" in l for l in lines), lines
    assert any(l.startswith("processes/zoekstad/wmo_route.bpmn: ") and "wmo_hulp_zoek" in l for l in lines), lines
    assert any(l.startswith("processes/weesstad: -: ") and "[gemeenten.weesstad]" in l for l in lines), lines
    assert any(l.startswith("config.toml: gemeenten.leegstad: ") and "processes/leegstad" in l for l in lines), lines
    assert not any(l.startswith("processes/base/") for l in lines), lines  # the national route itself is fine


def test_a_lane_gets_a_role_in_config_and_a_timer_that_is_no_instant_is_refused(tmp_path):
    env = _install(tmp_path, '[gemeenten.wijkstad]\nnaam = "Wijkstad"\n'
                             '[gemeenten.wijkstad.rollen]\nwijkteam = ["klantmanager", "wijkcoach"]\n')
    folder = tmp_path / "processes" / "wijkstad"
    folder.mkdir()
    text = ONDERZOEK.read_text().replace('name="klantmanager"', 'name="wijkteam"')
    (folder / "wmo_onderzoek.bpmn").write_text(text)

    result = wmo(tmp_path, "processes", "check", "--gemeente", "wijkstad", env=env)
    assert result.returncode == 0, result.stderr
    assert "routes in orde: wijkstad" in result.stdout

    (folder / "wmo_onderzoek.bpmn").write_text(text.replace('termijn_verlopen("persoonlijk_plan", onderzoek_vanaf)',
                                                            'termijn("persoonlijk_plan", onderzoek_vanaf)'))
    result = wmo(tmp_path, "processes", "check", "--gemeente", "wijkstad", env=env)
    assert result.returncode == 1
    assert "processes/wijkstad/wmo_onderzoek.bpmn: plan_termijn_verstreken: " in result.stderr and "tijdzone" in result.stderr


def test_bpmnlint_problems_are_reported_per_element(tmp_path):
    env = _install(tmp_path, '[gemeenten.lintstad]\nnaam = "Lintstad"\n')
    folder = tmp_path / "processes" / "lintstad"
    folder.mkdir()
    text = ONDERZOEK.read_text()
    # a task with no flows and no shape: bpmnlint's recommended rules (no-disconnected) refuse it
    broken = text.replace("</bpmn:process>", '<bpmn:task id="los_eind" name="Los" /></bpmn:process>', 1)
    (folder / "wmo_onderzoek.bpmn").write_text(broken)
    result = wmo(tmp_path, "processes", "check", "--gemeente", "lintstad", env=env)
    assert result.returncode == 1
    assert "processes/lintstad/wmo_onderzoek.bpmn: los_eind: bpmnlint" in result.stderr, result.stderr


def test_unknown_gemeente_is_a_clear_error(tmp_path):
    env = _install(tmp_path)
    result = wmo(tmp_path, "processes", "check", "--gemeente", "nergens", env=env)
    assert result.returncode != 0 and "nergens" in result.stderr and "Traceback" not in result.stderr


def test_a_brief_naming_no_known_letter_is_a_problem(tmp_path):
    """A process owner who mistypes a letter's name would get a step that sends nothing: the check names it."""
    env = _install(tmp_path, '[gemeenten.briefstad]\nnaam = "Briefstad"\n')
    folder = tmp_path / "processes" / "briefstad"
    folder.mkdir()
    text = ONDERZOEK.read_text()
    assert 'name="brief" value="verslag"' in text
    (folder / "wmo_onderzoek.bpmn").write_text(text.replace('name="brief" value="verslag"', 'name="brief" value="verslagg"'))

    result = wmo(tmp_path, "processes", "check", "--gemeente", "briefstad", env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert any(l.startswith("processes/briefstad/wmo_onderzoek.bpmn: verslag_opstellen: ")
               and "brief 'verslagg' bestaat niet" in l and "verslag" in l for l in lines), lines
    assert "routes in orde" not in result.stdout
