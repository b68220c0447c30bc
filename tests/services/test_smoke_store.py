"""The database opens, migrates and keeps what is written, on SQLite and on PostgreSQL."""

from desktop.services.registry import open_services


def test_settings_survive_reopening(services, clock):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.close()
    reopened = open_services(services.location, actor="x", clock=clock)
    try:
        assert reopened.settings.get("school_short_name") == "МАОУ СОШ № 7"
    finally:
        reopened.close()
