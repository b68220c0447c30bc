"""«Проверка установки» (`school-office self-check`): the program's main paths tried once, start to end.

For the school's IT person after installing the program, and the core of the CI smoke test of the bundle.
In one process, inside a temporary folder (or the folder given, kept for inspection), never touching the
user's own database: a new SQLite database with a first administrator and a secretary, the sample class list
(resources/samples/students.csv) imported, a snapshot of the families section drawn offscreen, and Appendix 2
printed to PDF for one imported student. One Russian line per step; the first failure ends the check with
«✗ step: reason».
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

EXIT_OK = 0
EXIT_FAILED = 1

#: The files the check writes into its folder (removed first when a kept folder is used again).
DATABASE = "self-check.db"
SNAPSHOT = "families.png"
FORM = "appendix2.pdf"
SNAPSHOT_SIZE = (1280, 800)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

T = TypeVar("T")


class CheckFailed(Exception):
    """A step whose result is not what it should be; the message is Russian."""


def _password() -> str:
    """A throwaway password: the check's users exist only in its own database."""
    return "Проверка-" + secrets.token_urlsafe(12)


def _say(line: str) -> None:
    print(line, flush=True)


def _step(name: str, work: Callable[[], T]) -> T:
    """Run one step; any failure becomes CheckFailed("name: reason")."""
    try:
        return work()
    except CheckFailed as exc:
        raise CheckFailed(f"{name}: {exc}") from exc
    except Exception as exc:  # whatever broke, the IT person is told which step and why
        from desktop.services.errors import ServiceError

        reason = str(exc).strip()
        if not isinstance(exc, ServiceError):  # not one of the program's own Russian messages: a defect
            reason = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
            if sys.stderr is not None:  # a windowed .exe has none
                traceback.print_exc(file=sys.stderr)
        raise CheckFailed(f"{name}: {reason}") from exc


def _check_file(path: Path, signature: bytes, what: str) -> None:
    if not path.is_file():
        raise CheckFailed(f"файл {path} не создан")
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(len(signature))
    if size == 0 or head != signature:
        raise CheckFailed(f"файл {path} создан, но это не {what} ({size} байт)")


def run(out_dir: Path | None = None) -> int:
    """Check the installation; 0 when every step worked, 1 at the first one that did not."""
    # Draw offscreen unless a display platform was asked for: the check needs no screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="school-office-check-", ignore_cleanup_errors=True) as folder:
            return _run(Path(folder))
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal", SNAPSHOT, FORM):
            (out_dir / name).unlink(missing_ok=True)
    except OSError as exc:
        _say(f"✗ Папка проверки: не удалось подготовить {out_dir}: {exc.strerror or exc}")
        return EXIT_FAILED
    code = _run(out_dir)
    _say(f"Файлы проверки оставлены в папке: {out_dir}")
    return code


def _run(folder: Path) -> int:
    try:
        _check(folder)
    except CheckFailed as exc:
        _say(f"✗ {exc}")
        _say("Проверка не пройдена.")
        return EXIT_FAILED
    _say("Проверка пройдена.")
    return EXIT_OK


def _check(folder: Path) -> None:
    from desktop.domain.access import Actor, Role
    from desktop.domain.families import Appendix
    from desktop.domain.russian import plural
    from desktop.paths import resource_path
    from desktop.services.registry import open_services
    from desktop.store.db import resolve_location

    database = folder / DATABASE

    def create():  # -> Services, nobody logged in
        services = open_services(resolve_location(str(database)), actor=Actor.bootstrap("Проверка установки"))
        if not database.is_file():
            services.close()
            raise CheckFailed(f"файл базы {database} не появился")
        return services

    services = _step("База данных", create)
    try:
        admin_password, secretary_password = _password(), _password()

        def users():  # -> Services as the secretary
            services.users.create_first_admin("admin", "Администратор Проверки", admin_password)
            admin = services.as_actor(services.users.authenticate("admin", admin_password))
            # What a printed form needs from the school's profile.
            school, director = "Школа (проверка установки)", "Директоров Иван Иванович"
            admin.settings.update({"school_short_name": school, "director_name": director})
            # The families register is the secretary's: the administrator has no right to it (personal data).
            admin.users.add(
                "secretary", "Секретарь Проверки", {Role.SECRETARY}, secretary_password, must_change=False
            )
            return services.as_actor(services.users.authenticate("secretary", secretary_password))

        secretary = _step("База данных", users)
        _say(f"✓ База данных создана: {database}")

        sample = resource_path("samples", "students.csv")

        def load():  # -> list[StudentRow]
            if not sample.is_file():
                raise CheckFailed(f"нет файла примера {sample}")
            result = secretary.families_io.import_file(sample)
            rows = secretary.families.students()
            if result.students == 0 or not rows:
                raise CheckFailed(f"в реестре нет учеников после загрузки {sample.name}")
            return rows

        rows = _step("Загрузка списка класса", load)
        count = len(rows)
        _say(f"✓ Загружен список класса: {count} {plural(count, 'ученик', 'ученика', 'учеников')}")

        snapshot = folder / SNAPSHOT

        def shoot() -> None:
            from desktop.ui.screenshot import render_view

            render_view(secretary, "families", snapshot, SNAPSHOT_SIZE)
            _check_file(snapshot, PNG_SIGNATURE, "картинка PNG")

        _step("Снимок окна", shoot)
        _say(f"✓ Снимок окна: {snapshot}")

        form = folder / FORM
        student = rows[0]

        def paper() -> None:
            secretary.families_io.print_appendix(student.id, Appendix.NOT_PROVIDE, form)
            _check_file(form, b"%PDF", "документ PDF")

        _step("Печать формы", paper)
        _say(f"✓ Напечатана форма: {form} (Приложение № 2, {student.full_name}, {student.class_name})")
    finally:
        services.close()


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
