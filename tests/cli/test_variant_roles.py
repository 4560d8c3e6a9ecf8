"""`wmo user add --role` accepts a role the configured gemeente adds in [gemeenten.<naam>.rollen], and only then."""
from .test_processes_check import _install
from .test_wmo import wmo


def test_a_role_the_gemeente_adds_is_one_a_user_can_have(tmp_path):
    env = _install(tmp_path, '[gemeenten.wijkstad]\nnaam = "Wijkstad"\n'
                             '[gemeenten.wijkstad.rollen]\nwijkteam = ["wijkcoach"]\n')
    (tmp_path / "processes" / "wijkstad").mkdir()
    config = tmp_path / "config.toml"
    assert wmo(tmp_path, "db", "upgrade", env=env).returncode == 0
    refused = wmo(tmp_path, "user", "add", "anna", "--role", "wijkcoach", env=env)
    assert refused.returncode != 0 and "onbekende rol wijkcoach" in refused.stderr  # base has no such role
    config.write_text(config.read_text().replace('gemeente = "base"', 'gemeente = "wijkstad"'))
    added = wmo(tmp_path, "user", "add", "anna", "--role", "wijkcoach", env=env)
    assert added.returncode == 0, added.stderr
    assert "gebruiker anna (wijkcoach) aangemaakt" in added.stdout
