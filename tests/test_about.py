"""What the about box and `school-office about` say: every library the program ships is listed with its licence
text, and Qt's standard dialogs have Russian words for every string (Qt's catalogue plus the program's additions)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from PySide6.QtCore import QTranslator

from desktop import __version__
from desktop.about import (
    COMPONENTS,
    licence_text,
    qt_translations,
    system_summary,
    translation_files,
    version_of,
)
from desktop.cli import main
from desktop.paths import resource_path


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def shipped_distributions() -> set[str]:
    """The runtime dependencies of the program, all the way down (with psycopg's binary extra, which it uses)."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in metadata.requires("school-office") or []]
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = _key(requirement.name)
        if key in seen:
            continue
        seen.add(key)
        extras = requirement.extras
        for raw in metadata.requires(requirement.name) or []:
            nested = Requirement(raw)
            marker = nested.marker
            if marker is not None and not any(
                Marker(str(marker)).evaluate({"extra": extra}) for extra in (extras or {""})
            ):
                continue
            todo.append(nested)
    return seen


def test_every_library_the_program_ships_is_listed_with_its_version():
    listed = {_key(c.dist) for c in COMPONENTS if c.dist}
    missing = shipped_distributions() - listed
    assert missing == set(), f"в «О программе» нет библиотек: {sorted(missing)}"
    for component in COMPONENTS:
        assert version_of(component), component.name


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.name)
def test_every_component_has_its_licence_text(component):
    text = licence_text(component)
    # A real licence text, not only its name: each of them is pages long and grants or limits rights.
    assert len(text) > 700, f"{component.name}: {text[:200]!r}"
    assert re.search(r"permission|licen[cs]e|redistribut", text, re.IGNORECASE)


def test_lgpl_components_carry_the_lgpl_and_the_gpl_it_refers_to():
    for component in COMPONENTS:
        if "LGPL" in component.licence:
            text = licence_text(component)
            assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "GNU GENERAL PUBLIC LICENSE" in text


def test_qt_russian_translations_load():
    folder, loaded = qt_translations()
    assert loaded == ["qtbase_ru", "qt_additions_ru"], f"в {folder}"


def test_the_additions_catalogue_is_built_from_its_source():
    """resources/translations/qt_additions_ru.qm says what the .ts next to it says (rebuild with lrelease)."""
    source = resource_path("translations", "qt_additions_ru.ts")
    translator = QTranslator()
    assert translator.load("qt_additions_ru", str(source.parent))
    messages = 0
    for context in ET.parse(source).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            messages += 1
            assert translator.translate(name, message.findtext("source")) == message.findtext("translation")
    assert messages >= 3
    assert [name for name, _ in translation_files()] == ["qtbase_ru", "qt_additions_ru"]


def test_about_command_prints_the_version_the_database_the_folders_and_the_licences(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SCHOOL_OFFICE_LOG_DIR", str(tmp_path / "logs"))
    db = tmp_path / "school.db"
    assert main(["about", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"Канцелярия школы, версия {__version__}" in out
    assert f"База данных: SQLite: {db}" in out
    assert f"Журнал работы: {tmp_path / 'logs'}" in out
    assert "Переводы Qt: загружены (qtbase_ru, qt_additions_ru)" in out
    assert re.search(r"Qt 6 и PySide6\s+\d+\.\d+\.\d+\s+LGPL-3\.0-only", out)
    assert not db.exists()  # it only says which database would be used


def test_the_summary_for_whoever_helps_names_version_and_database():
    lines = system_summary("SQLite: C:\\школа.db")
    assert lines[0] == f"Канцелярия школы, версия {__version__}"
    assert "База данных: SQLite: C:\\школа.db" in lines
