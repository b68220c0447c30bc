"""«Проверка установки» (desktop.selfcheck, `school-office self-check`) from source, in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import paths, selfcheck


def test_self_check_passes_and_keeps_its_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keep = tmp_path / "проверка"
    assert selfcheck.run(keep) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"✓ База данных создана: {keep / selfcheck.DATABASE}"
    assert "✓ Загружен список класса: 3 ученика" in lines
    assert f"✓ Снимок окна: {keep / selfcheck.SNAPSHOT}" in lines
    assert any(line.startswith(f"✓ Напечатана форма: {keep / selfcheck.FORM}") for line in lines)
    assert "Проверка пройдена." in lines
    assert "✗" not in out

    assert (keep / selfcheck.DATABASE).stat().st_size > 0
    png = (keep / selfcheck.SNAPSHOT).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    assert (keep / selfcheck.FORM).read_bytes().startswith(b"%PDF")
    # The user's own data folder (the default database) is never touched.
    assert not paths.user_data_dir().exists() or not any(paths.user_data_dir().iterdir())


def test_self_check_reports_the_failed_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "нет" / "students.csv"
    monkeypatch.setattr(paths, "resource_path", lambda *parts: missing)
    assert selfcheck.run(tmp_path / "keep") == 1
    out = capsys.readouterr().out
    assert "✓ База данных создана" in out
    assert f"✗ Загрузка списка класса: нет файла примера {missing}" in out
    assert "Проверка пройдена." not in out
    assert "Проверка не пройдена." in out
    assert not (tmp_path / "keep" / selfcheck.SNAPSHOT).exists()
