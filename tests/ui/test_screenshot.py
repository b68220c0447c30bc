"""`school-office screenshot`: a section rendered offscreen to a PNG of the size asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from desktop.cli import main
from desktop.domain.access import Actor
from desktop.services.demo import fill_demo
from desktop.services.registry import open_services
from desktop.store.db import resolve_location


@pytest.fixture
def demo_db(tmp_path: Path, clock, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """The demo school; the screenshot command opens it as its administrator when nobody is named."""
    monkeypatch.delenv("SCHOOL_OFFICE_USER", raising=False)
    monkeypatch.delenv("SCHOOL_OFFICE_PASSWORD", raising=False)
    path = tmp_path / "demo.db"
    services = open_services(
        resolve_location(str(path)), actor=Actor.bootstrap("Тестовый пользователь"), clock=clock
    )
    try:
        fill_demo(services)
    finally:
        services.close()
    return path


def distinct_colours(image: QImage, step: int = 16) -> int:
    """How many colours a coarse sample of the picture has: a blank or black picture has one or two."""
    points = [(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)]
    return len({image.pixel(x, y) for x, y in points})


@pytest.mark.parametrize(
    ("view", "size"),
    [("calendar", "1280x800"), ("settings", "1024x700"), ("users", "1280x800"), ("audit", "960x600")],
)
def test_a_section_is_saved_as_a_png_of_the_size_asked_for(qapp, demo_db, tmp_path, capsys, view, size):
    out = tmp_path / "shots" / f"{view}.png"
    code = main(["screenshot", "--db", str(demo_db), "--view", view, "--out", str(out), "--size", size])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == f"Снимок раздела «{view}» сохранён: {out}"
    image = QImage(str(out))
    assert not image.isNull()
    assert f"{image.width()}x{image.height()}" == size
    assert distinct_colours(image) > 10  # something was drawn, not an empty window


def test_the_default_size_is_1280_by_800(qapp, demo_db, tmp_path):
    out = tmp_path / "calendar.png"
    assert main(["screenshot", "--db", str(demo_db), "--view", "calendar", "--out", str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_size_below_the_windows_minimum_is_not_silently_changed(qapp, demo_db, tmp_path, capsys):
    out = tmp_path / "small.png"
    args = ["screenshot", "--db", str(demo_db), "--view", "calendar", "--out", str(out), "--size", "800x500"]
    code = main(args)
    if code == 0:
        image = QImage(str(out))
        assert (image.width(), image.height()) == (800, 500)
    else:
        assert code == 1 and "800x500" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("view", ["about", "file-dialog"])
def test_the_about_box_and_the_file_dialog_are_drawn_over_the_window(qapp, demo_db, tmp_path, view):
    out = tmp_path / f"{view}.png"
    assert main(["screenshot", "--db", str(demo_db), "--view", view, "--out", str(out)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    # The dialog sits in the middle of the dimmed window: its centre is not the dimmed window's colour.
    centre = image.pixelColor(640, 400)
    corner = image.pixelColor(5, 790)
    assert centre != corner and distinct_colours(image) > 10


def test_an_unknown_section_is_refused_with_the_list_of_sections(qapp, demo_db, tmp_path, capsys):
    out = tmp_path / "journal.png"
    code = main(["screenshot", "--db", str(demo_db), "--view", "journal", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "Неизвестный раздел «journal». Доступные разделы: appeals, director, tickets, families, access, printouts, "
        "support, reports, calendar, settings, users, audit, appeal-card, ticket-card, family-card, support-card, "
        "about, file-dialog." in err
    )
    assert not out.exists()


@pytest.mark.parametrize("size", ["big", "1280", "1280x", "100x100", "1280x800x2"])
def test_a_bad_size_is_refused(qapp, demo_db, tmp_path, capsys, size):
    out = tmp_path / "calendar.png"
    code = main(["screenshot", "--db", str(demo_db), "--view", "calendar", "--out", str(out), "--size", size])
    assert code == 1
    assert f"Неверный размер «{size}»: укажите ШИРИНАxВЫСОТА, например 1280x800." in capsys.readouterr().err
    assert not out.exists()


def test_a_file_that_is_not_png_is_refused(qapp, demo_db, tmp_path, capsys):
    out = tmp_path / "calendar.jpg"
    code = main(["screenshot", "--db", str(demo_db), "--view", "calendar", "--out", str(out)])
    assert code == 1
    assert "укажите файл с расширением .png, а не «calendar.jpg»" in capsys.readouterr().err
    assert not out.exists()


def test_a_section_the_user_may_not_open_is_refused(qapp, demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SCHOOL_OFFICE_PASSWORD", "demo1234")
    out = tmp_path / "users.png"
    code = main(["screenshot", "--db", str(demo_db), "--user", "agent", "--view", "users", "--out", str(out)])
    assert code != 0
    assert (
        "Недостаточно прав: «управление пользователями» доступно ролям: администратор."
        in capsys.readouterr().err
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("view", "login"),
    [
        ("appeals", "deputy"),
        ("director", "director"),
        ("appeal-card", "deputy"),
        ("tickets", "operator"),
        ("ticket-card", "operator"),
        ("families", "secretary"),
        ("family-card", "secretary"),
        ("access", "secretary"),
        ("printouts", "secretary"),
        ("support", "epos_admin"),
        ("support-card", "epos_admin"),
        ("reports", "director"),
        ("reports", "secretary"),
    ],
)
def test_the_appeal_views_are_saved_for_whoever_may_see_them(
    qapp, demo_db, tmp_path, capsys, monkeypatch, view, login
):
    monkeypatch.setenv("SCHOOL_OFFICE_PASSWORD", "demo1234")
    out = tmp_path / f"{view}.png"
    code = main(["screenshot", "--db", str(demo_db), "--user", login, "--view", view, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert distinct_colours(image) > 10


def test_the_appeals_are_not_shown_to_the_administrator(qapp, demo_db, tmp_path, capsys, monkeypatch):
    """Appeals hold parents' personal data: the administrator runs the program but does not read them."""
    monkeypatch.setenv("SCHOOL_OFFICE_PASSWORD", "demo1234")
    out = tmp_path / "appeals.png"
    code = main(
        ["screenshot", "--db", str(demo_db), "--user", "admin", "--view", "appeals", "--out", str(out)]
    )
    assert code != 0
    assert "Недостаточно прав: «просмотр обращений»" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("environment", "lang"),
    [
        ({}, "ru_RU.UTF-8"),  # a server or CI without locales: the snapshot shows a Russian office computer
        ({"LANG": "C.UTF-8"}, "ru_RU.UTF-8"),
        ({"LANG": "POSIX"}, "ru_RU.UTF-8"),
        ({"LANG": "en_GB.UTF-8"}, "en_GB.UTF-8"),  # somebody's own language is left alone
        ({"LC_ALL": "de_DE.UTF-8"}, None),
    ],
)
def test_snapshots_take_a_russian_system_locale_only_where_none_is_named(monkeypatch, environment, lang):
    from PySide6.QtWidgets import QApplication

    from desktop.ui import screenshot

    monkeypatch.setattr(QApplication, "instance", staticmethod(lambda: None))  # as in the command's own process
    for name in ("LC_ALL", "LC_MESSAGES", "LC_TIME", "LC_NUMERIC", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(screenshot.sys, "platform", "linux")
    screenshot.russian_system_locale()
    assert os.environ.get("LANG") == lang
