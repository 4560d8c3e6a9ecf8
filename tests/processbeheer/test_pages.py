"""The process owner's pages: versions per gemeente, a version's diagrams, compare, edit and deploy."""
from app import processes
from app.db import db

from .conftest import login


def test_overview_lists_the_gemeente_in_use_with_its_versions(client, users, settings):
    processes.deploy_from_disk(settings.gemeente_config())
    db.session.commit()
    login(client, "pb")
    page = client.get("/processen").data.decode()
    assert "Landelijke route" in page and "versie 1" in page and "huidig" in page
    assert 'href="/processen">Processen</a>' in page
