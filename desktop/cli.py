"""The `school-office` command line: starts the GUI, or runs the same services from scripts.

Commands that show no window never import Qt, so they start fast. Errors go to stderr in Russian with a
non-zero exit status: 1 when the work could not be done, 2 when the command itself is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from desktop import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# argparse's own messages, in Russian (it looks them up through its module-level gettext `_`).
_ARGPARSE_RU = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "the following arguments are required: %s": "не хватает аргументов: %s",
    "unrecognized arguments: %s": "непонятные аргументы: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "неверное значение %(value)r (допустимо: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "expected one argument": "нужно одно значение",
    "invalid %(type)s value: %(value)r": "неверное значение %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": "неоднозначный параметр %(option)s: %(matches)s",
    "not allowed with argument %s": "нельзя вместе с %s",
    "show program's version number and exit": "показать версию программы и выйти",
}


def _ru(message: str) -> str:
    return _ARGPARSE_RU.get(message, message)


argparse._ = _ru  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Ошибка в команде: {message}\nСправка: {self.prog} --help\n")


class CommandError(Exception):
    """A command that cannot be done; the message is Russian and goes to stderr."""


def _add_db_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="база данных: путь к файлу .db или адрес SQLAlchemy (postgresql+psycopg://…); "
        "по умолчанию $SCHOOL_OFFICE_DB или файл в папке данных пользователя",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="открыть (или создать) отдельную демонстрационную базу с примером школы",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="school-office",
        description="Канцелярия школы. Без команды открывает окно программы.",
    )
    parser.add_argument("--version", action="version", version=f"school-office {__version__}")
    _add_db_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=_Parser)

    init = commands.add_parser("init", help="создать или обновить базу данных")
    _add_db_options(init, suppress=True)
    init.set_defaults(handler=_cmd_init)

    settings = commands.add_parser("settings", help="настройки школы")
    _add_db_options(settings, suppress=True)
    settings_cmds = settings.add_subparsers(dest="action", metavar="ДЕЙСТВИЕ", required=True, parser_class=_Parser)
    show = settings_cmds.add_parser("show", help="показать все настройки")
    _add_db_options(show, suppress=True)
    show.set_defaults(handler=_cmd_settings_show)
    set_ = settings_cmds.add_parser("set", help="изменить настройку")
    _add_db_options(set_, suppress=True)
    set_.add_argument("key", metavar="КЛЮЧ")
    set_.add_argument("value", metavar="ЗНАЧЕНИЕ")
    set_.set_defaults(handler=_cmd_settings_set)

    calendar = commands.add_parser("calendar", help="исключения производственного календаря")
    _add_db_options(calendar, suppress=True)
    cal_cmds = calendar.add_subparsers(dest="action", metavar="ДЕЙСТВИЕ", required=True, parser_class=_Parser)
    for name, help_text in (("day-off", "сделать день выходным для школы"), ("workday", "сделать день рабочим")):
        cmd = cal_cmds.add_parser(name, help=help_text)
        _add_db_options(cmd, suppress=True)
        cmd.add_argument("date", metavar="ДАТА", help="ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")
        cmd.add_argument("--reason", default="", metavar="ТЕКСТ", help="причина (приказ, решение)")
        cmd.set_defaults(handler=_cmd_calendar_set, kind=name)
    remove = cal_cmds.add_parser("remove", help="убрать исключение: снова действует производственный календарь")
    _add_db_options(remove, suppress=True)
    remove.add_argument("date", metavar="ДАТА")
    remove.set_defaults(handler=_cmd_calendar_remove)
    list_ = cal_cmds.add_parser("list", help="список исключений и подтверждённых годов")
    _add_db_options(list_, suppress=True)
    list_.add_argument("--year", type=int, metavar="ГОД")
    list_.set_defaults(handler=_cmd_calendar_list)
    confirm = cal_cmds.add_parser(
        "confirm-year", help="подтвердить год, дни которого школа внесла сама (календаря на него в программе нет)"
    )
    _add_db_options(confirm, suppress=True)
    confirm.add_argument("year", type=int, metavar="ГОД")
    confirm.set_defaults(handler=_cmd_calendar_confirm)

    shot = commands.add_parser("screenshot", help="снимок раздела программы в PNG (без окна на экране)")
    _add_db_options(shot, suppress=True)
    shot.add_argument("--view", required=True, metavar="РАЗДЕЛ", help="раздел: settings, calendar")
    shot.add_argument("--out", required=True, metavar="ФАЙЛ.png")
    shot.add_argument("--size", default="1280x800", metavar="ШxВ", help="размер окна, по умолчанию 1280x800")
    shot.set_defaults(handler=_cmd_screenshot)
    return parser


# -- helpers -----------------------------------------------------------------------------------------


def _open(args: argparse.Namespace):  # -> Services
    from desktop.services.registry import open_services
    from desktop.store.db import resolve_location

    services = open_services(resolve_location(args.db, demo=args.demo))
    if args.demo:
        from desktop.services.demo import fill_demo

        fill_demo(services)
    return services


def _date(text: str) -> dt.date:
    from desktop.services.calendar import parse_date

    return parse_date(text)


# -- commands ----------------------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        missing = services.settings.missing_profile()
        print(f"База данных готова: {services.location.describe()}")
        if missing:
            from desktop.services.settings import SPEC_BY_KEY

            print("Заполните профиль школы (в окне программы или командой «school-office settings set»):")
            for key in missing:
                print(f"  {key} — {SPEC_BY_KEY[key].label}")
    finally:
        services.close()
    return EXIT_OK


def _cmd_settings_show(args: argparse.Namespace) -> int:
    from desktop.services.settings import SPECS

    services = _open(args)
    try:
        values = services.settings.all()
        missing = set(services.settings.missing_profile())
    finally:
        services.close()
    width = max(len(spec.key) for spec in SPECS)
    for spec in SPECS:
        value = values[spec.key] or ("— не задано (обязательно)" if spec.key in missing else "— не задано")
        print(f"{spec.key:<{width}}  {value}")
        print(f"{'':<{width}}  # {spec.label}")
    return EXIT_OK


def _cmd_settings_set(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        stored = services.settings.set(args.key, args.value)
    finally:
        services.close()
    print(f"{args.key} = {stored}")
    return EXIT_OK


def _cmd_calendar_set(args: argparse.Namespace) -> int:
    from desktop.services.calendar import OverrideKind, format_date

    kind = OverrideKind.DAY_OFF if args.kind == "day-off" else OverrideKind.WORKDAY
    day = _date(args.date)
    services = _open(args)
    try:
        services.calendar.set_day(day, kind, args.reason)
        info = services.calendar.work_calendar().day_info(day)
    finally:
        services.close()
    reason = f" ({args.reason.strip()})" if args.reason.strip() else ""
    print(f"{format_date(day)}: {kind.label} для школы{reason}")
    if not info.known:
        print(
            f"Внимание: производственного календаря на {day.year} год в программе нет. Когда внесёте все дни "
            f"года, подтвердите его: school-office calendar confirm-year {day.year}",
            file=sys.stderr,
        )
    return EXIT_OK


def _cmd_calendar_remove(args: argparse.Namespace) -> int:
    from desktop.services.calendar import format_date

    day = _date(args.date)
    services = _open(args)
    try:
        removed = services.calendar.remove_day(day)
    finally:
        services.close()
    print(f"{format_date(day)}: исключение «{removed.kind.label}» убрано, действует производственный календарь")
    return EXIT_OK


def _cmd_calendar_list(args: argparse.Namespace) -> int:
    from desktop.domain.calendar import LAST_PUBLISHED_YEAR
    from desktop.services.calendar import format_date

    services = _open(args)
    try:
        overrides = services.calendar.overrides(args.year)
        years = services.calendar.confirmed_years()
        tz = services.settings.timezone()
    finally:
        services.close()
    print(f"Производственный календарь в программе: по {LAST_PUBLISHED_YEAR} год включительно.")
    if years:
        print("Годы, внесённые школой вручную: " + ", ".join(str(y) for y in years))
    if not overrides:
        print("Исключений нет." if args.year is None else f"Исключений на {args.year} год нет.")
        return EXIT_OK
    print(f"{'Дата':<10}  {'Тип':<12}  {'Причина':<40}  Кто и когда")
    for o in overrides:
        when = o.created_at.astimezone(tz).strftime("%d.%m.%Y %H:%M")
        print(f"{format_date(o.day):<10}  {o.kind.label:<12}  {o.reason or '—':<40}  {o.created_by}, {when}")
    return EXIT_OK


def _cmd_calendar_confirm(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        services.calendar.confirm_year(args.year)
        count = len(services.calendar.overrides(args.year))
    finally:
        services.close()
    print(f"{args.year} год подтверждён: сроки считаются по выходным и праздникам, внесённым школой ({count} дн.).")
    return EXIT_OK


def _cmd_screenshot(args: argparse.Namespace) -> int:
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
        if not (200 <= width <= 8000 and 200 <= height <= 8000):
            raise ValueError
    except ValueError:
        raise CommandError(f"Неверный размер «{args.size}»: укажите ШИРИНАxВЫСОТА, например 1280x800.") from None
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise CommandError(f"Снимок сохраняется в PNG: укажите файл с расширением .png, а не «{out.name}».")
    from desktop.ui.screenshot import SMALLEST, VIEWS, render_view

    if args.view not in VIEWS:
        raise CommandError(f"Неизвестный раздел «{args.view}». Доступные разделы: {', '.join(VIEWS)}.")
    if width < SMALLEST[0] or height < SMALLEST[1]:
        raise CommandError(
            f"Размер {args.size} меньше наименьшего размера окна программы {SMALLEST[0]}x{SMALLEST[1]}: "
            "укажите размер не меньше."
        )
    services = _open(args)
    try:
        render_view(services, args.view, out, (width, height))
    finally:
        services.close()
    print(f"Снимок раздела «{args.view}» сохранён: {out}")
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    from desktop.app import run_gui

    return run_gui(db=args.db, demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", _run_gui)
    from desktop.domain.calendar import UnknownCalendarYear
    from desktop.services.errors import ServiceError
    from desktop.store.db import DatabaseLocationError

    try:
        return handler(args)
    except (CommandError, ServiceError, DatabaseLocationError, UnknownCalendarYear) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Прервано.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
