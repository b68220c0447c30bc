"""The `school-office` command line: starts the GUI, or runs the same services from scripts.

Commands that show no window never import Qt, so they start fast. Errors go to stderr in Russian with a
non-zero exit status: 1 when the work could not be done, 2 when the command itself is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop import __version__
from desktop.domain.access import Action, Role

if TYPE_CHECKING:
    from desktop.services.reports import ReportInfo

ENV_USER = "SCHOOL_OFFICE_USER"
ENV_PASSWORD = "SCHOOL_OFFICE_PASSWORD"
ENV_NEW_PASSWORD = "SCHOOL_OFFICE_NEW_PASSWORD"

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


def _add_common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--db, --demo and --user, accepted before the command and after it alike."""
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
    parser.add_argument(
        "--user",
        metavar="ЛОГИН",
        default=default,
        help=f"от чьего имени выполнить команду (по умолчанию ${ENV_USER}); пароль — ${ENV_PASSWORD} или запрос",
    )


def _command(commands: argparse._SubParsersAction, name: str, help_text: str, handler=None, **defaults):  # type: ignore[type-arg]
    parser = commands.add_parser(name, help=help_text)
    _add_common_options(parser, suppress=True)
    if handler is not None:
        parser.set_defaults(handler=handler, **defaults)
    return parser


def _actions(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return parser.add_subparsers(dest="action", metavar="ДЕЙСТВИЕ", required=True, parser_class=_Parser)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="school-office",
        description="Канцелярия школы. Без команды открывает окно программы.",
    )
    parser.add_argument("--version", action="version", version=f"school-office {__version__}")
    _add_common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=_Parser)

    init = _command(
        commands,
        "init",
        f"создать или обновить базу данных; первого администратора — из ${ENV_USER} и ${ENV_PASSWORD}",
        _cmd_init,
    )
    init.add_argument("--name", metavar="ФИО", help="ФИО первого администратора (по умолчанию «Администратор Программы»)")

    settings = _actions(_command(commands, "settings", "настройки школы"))
    _command(settings, "show", "показать все настройки", _cmd_settings_show)
    set_ = _command(settings, "set", "изменить настройку", _cmd_settings_set)
    set_.add_argument("key", metavar="КЛЮЧ")
    set_.add_argument("value", metavar="ЗНАЧЕНИЕ")

    calendar = _actions(_command(commands, "calendar", "исключения производственного календаря"))
    for name, help_text in (("day-off", "сделать день выходным для школы"), ("workday", "сделать день рабочим")):
        cmd = _command(calendar, name, help_text, _cmd_calendar_set, kind=name)
        cmd.add_argument("date", metavar="ДАТА", help="ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")
        cmd.add_argument("--reason", default="", metavar="ТЕКСТ", help="причина (приказ, решение)")
    remove = _command(
        calendar, "remove", "убрать исключение: снова действует производственный календарь", _cmd_calendar_remove
    )
    remove.add_argument("date", metavar="ДАТА")
    list_ = _command(calendar, "list", "список исключений и подтверждённых годов", _cmd_calendar_list)
    list_.add_argument("--year", type=int, metavar="ГОД")
    confirm = _command(
        calendar,
        "confirm-year",
        "подтвердить год, дни которого школа внесла сама (календаря на него в программе нет)",
        _cmd_calendar_confirm,
    )
    confirm.add_argument("year", type=int, metavar="ГОД")

    users = _actions(_command(commands, "users", "пользователи программы (администратор)"))
    add = _command(users, "add", f"добавить пользователя; пароль — из ${ENV_NEW_PASSWORD} или запрос", _cmd_users_add)
    add.add_argument("login", metavar="ЛОГИН")
    add.add_argument("--name", required=True, metavar="ФИО")
    add.add_argument("--role", action="append", required=True, metavar="РОЛЬ", help=f"роль: {', '.join(r.value for r in Role)}")
    _command(users, "list", "список пользователей", _cmd_users_list)
    for name, help_text in (("block", "заблокировать пользователя"), ("unblock", "разблокировать пользователя")):
        _command(users, name, help_text, _cmd_users_block, block=name == "block").add_argument("login", metavar="ЛОГИН")
    roles = _command(users, "roles", "заменить роли пользователя", _cmd_users_roles)
    roles.add_argument("login", metavar="ЛОГИН")
    roles.add_argument("--role", action="append", required=True, metavar="РОЛЬ")
    reset = _command(
        users, "reset-password", f"задать временный пароль (из ${ENV_NEW_PASSWORD} или запрос)", _cmd_users_reset
    )
    reset.add_argument("login", metavar="ЛОГИН")
    _command(users, "passwd", f"сменить свой пароль (новый — из ${ENV_NEW_PASSWORD} или запрос)", _cmd_users_passwd)

    import_ = _actions(_command(commands, "import", "загрузить данные из файла Excel (.xlsx) или CSV"))
    appeals_in = _command(
        import_,
        "appeals",
        "реестр обращений из другой системы: всё или ничего, ошибки — списком (файл, строка, столбец)",
        _cmd_import_appeals,
    )
    appeals_in.add_argument("file", metavar="ФАЙЛ", help=".xlsx или .csv (UTF-8 или Windows-1251, разделитель ; или ,)")
    tickets_in = _command(
        import_,
        "tickets",
        "реестр заявок по инициативам: всё или ничего, ошибки — списком (файл, строка, столбец)",
        _cmd_import_tickets,
    )
    tickets_in.add_argument("file", metavar="ФАЙЛ", help=".xlsx или .csv (UTF-8 или Windows-1251, разделитель ; или ,)")
    students_in = _command(
        import_,
        "students",
        "списки классов: ученики и их законные представители; повторная загрузка обновляет людей, не удваивая их",
        _cmd_import_students,
    )
    students_in.add_argument("file", metavar="ФАЙЛ", help=".xlsx или .csv (UTF-8 или Windows-1251, разделитель ; или ,)")
    grades_in = _command(
        import_,
        "grades",
        "отметки и посещаемость из выгрузки электронного журнала; повторная загрузка не удваивает отметки",
        _cmd_import_grades,
    )
    grades_in.add_argument("file", metavar="ФАЙЛ", help=".xlsx или .csv (UTF-8 или Windows-1251, разделитель ; или ,)")

    export = _command(commands, "export", "выгрузить журнал или отчёт в Excel", _cmd_export)
    export.add_argument("report", nargs="?", metavar="ОТЧЁТ", help="что выгрузить; список — --list")
    export.add_argument("--list", action="store_true", help="перечислить отчёты")
    export.add_argument("--from", dest="date_from", metavar="ДАТА", help="с этой даты включительно")
    export.add_argument("--to", dest="date_to", metavar="ДАТА", help="по эту дату включительно")
    export.add_argument("--out", metavar="ФАЙЛ.xlsx")

    sweep = _command(
        commands,
        "sweep",
        "передать просроченные обращения на следующий уровень (без входа: от имени системы)",
        _cmd_sweep,
    )
    sweep.add_argument(
        "--now", metavar="ГГГГ-ММ-ДДTЧЧ:ММ", help="момент по времени школы (по умолчанию — сейчас)"
    )

    print_ = _actions(_command(commands, "print", "напечатать документ в PDF"))
    notice = _command(
        print_, "notice", "письмо в Департамент о 5-м и следующем повторном обращении", _cmd_print_notice
    )
    notice.add_argument("number", metavar="НОМЕР", help="номер обращения, например О-2026/0001")
    notice.add_argument("--out", required=True, metavar="ФАЙЛ.pdf")
    for number, help_text in (
        ("2", "Приложение № 2: заявление о непредоставлении услуги «Электронный дневник»"),
        ("3", "Приложение № 3: заявление об отмене услуги «Электронный дневник»"),
    ):
        appendix = _command(print_, f"appendix{number}", help_text, _cmd_print_appendix, appendix=number)
        appendix.add_argument("--student", metavar="ФИО", help="ученик (с --blank можно не указывать)")
        appendix.add_argument("--class", dest="class_name", metavar="КЛАСС", default="", help="класс ученика, например 5А")
        appendix.add_argument("--blank", action="store_true", help="бланк для заполнения от руки")
        appendix.add_argument("--out", required=True, metavar="ФАЙЛ.pdf")

    weekly = _command(
        print_, "weekly", "отчёты об успеваемости за неделю для семей на бумажных отчётах", _cmd_print_weekly
    )
    weekly.add_argument("--week", required=True, metavar="ДАТА", help="любой день недели: 27.11.2026 или 2026-11-27")
    weekly.add_argument("--class", dest="class_name", metavar="КЛАСС", default="", help="только этот класс, например 5А")
    weekly.add_argument("--all", dest="everyone", action="store_true", help="всех учеников, а не только на бумажных отчётах")
    weekly.add_argument("--out", required=True, metavar="ФАЙЛ.pdf")

    support_notice = _command(
        print_,
        "support-notice",
        "памятка классному руководителю: ошибки в работе ЭПОС, контакты администратора ЭПОС и СТП",
        _cmd_print_support_notice,
    )
    support_notice.add_argument("--out", required=True, metavar="ФАЙЛ.pdf")

    optout = _actions(_command(commands, "optout", "заявления об отказе от электронного дневника"))
    optout_register = _command(
        optout,
        "register",
        "зарегистрировать подписанное заявление (Приложение № 2 или 3): семья переводится на бумажные отчёты",
        _cmd_optout_register,
    )
    optout_register.add_argument("--student", required=True, metavar="ФИО")
    optout_register.add_argument("--class", dest="class_name", required=True, metavar="КЛАСС")
    optout_register.add_argument("--appendix", required=True, choices=("2", "3"), metavar="2|3")
    optout_register.add_argument("--received", required=True, metavar="ДАТА", help="дата получения заявления")

    appeals = _actions(_command(commands, "appeals", "обращения"))
    email = _command(appeals, "email", "ответ заявителю письмом: файл .eml для почтовой программы", _cmd_appeals_email)
    email.add_argument("number", metavar="НОМЕР", help="номер обращения, например О-2026/0001")
    email.add_argument("--out", required=True, metavar="ФАЙЛ.eml")

    backup = _command(
        commands,
        "backup",
        "резервная копия базы: SQLite — проверенная копия файла, PostgreSQL — pg_dump (администратор, директор)",
        _cmd_backup,
    )
    backup.add_argument("--out", metavar="ФАЙЛ", help="куда записать; без него — в папку backups рядом с базой")
    backup.add_argument("--keep", type=int, default=None, metavar="N", help="сколько копий хранить в папке backups (по умолчанию 30)")
    restore = _command(
        commands,
        "restore",
        "восстановить базу SQLite из резервной копии: файл проверяется, копия текущей базы сохраняется в backups",
        _cmd_restore,
    )
    restore.add_argument("file", metavar="ФАЙЛ")

    _command(
        commands,
        "about",
        "о программе: версия, база данных, папки данных и журнала, переводы Qt, шрифты и библиотеки с лицензиями",
        _cmd_about,
    )
    check = _command(
        commands,
        "self-check",
        "проверка установки: пробная база во временной папке, загрузка примера, снимок окна и печать формы",
        _cmd_self_check,
    )
    check.add_argument("--keep", metavar="ПАПКА", help="оставить пробную базу, снимок и PDF в этой папке")

    shot = _command(commands, "screenshot", "снимок раздела программы в PNG (без окна на экране)", _cmd_screenshot)
    shot.add_argument(
        "--view",
        required=True,
        metavar="РАЗДЕЛ",
        help="раздел: appeals, appeal-card, director, tickets, ticket-card, families, family-card, access, "
        "printouts, support, support-card, reports, calendar, settings, users, audit; окна: about, file-dialog",
    )
    shot.add_argument("--out", required=True, metavar="ФАЙЛ.png")
    shot.add_argument("--size", default="1280x800", metavar="ШxВ", help="размер окна, по умолчанию 1280x800")
    return parser


# -- helpers -----------------------------------------------------------------------------------------


def _open_database(args: argparse.Namespace):  # -> Services, nobody logged in yet
    from desktop.services.registry import open_services
    from desktop.store.db import resolve_location

    services = open_services(resolve_location(args.db, demo=args.demo))
    if args.demo:
        from desktop.services.demo import fill_demo

        fill_demo(services)
    return services


def _open(args: argparse.Namespace, *, demo_login: str | None = None):  # -> Services acting as the user
    """Open the database and log in as the user of --user / $SCHOOL_OFFICE_USER with $SCHOOL_OFFICE_PASSWORD.

    A database that has no users yet is worked on without logging in (the person setting it up), with a
    warning. With `demo_login`, the demonstration database is opened as that demo user when nobody is named.
    """
    services = _open_database(args)
    try:
        return services.as_actor(_who(args, services, demo_login=demo_login))
    except BaseException:
        services.close()
        raise


def _who(args: argparse.Namespace, services, *, demo_login: str | None):  # -> Actor
    from desktop.domain.access import Actor
    from desktop.services.registry import computer_user

    if services.users.count() == 0:
        print(
            "Внимание: в базе ещё нет пользователей, команда выполнена без входа. Создайте администратора: "
            f"{ENV_USER}=логин {ENV_PASSWORD}=пароль school-office init",
            file=sys.stderr,
        )
        return Actor.bootstrap(computer_user())
    login = (getattr(args, "user", None) or os.environ.get(ENV_USER, "")).strip()
    password = os.environ.get(ENV_PASSWORD)
    if not login and demo_login and services.settings.is_demo():
        from desktop.services.demo import DEMO_PASSWORD

        login, password = demo_login, DEMO_PASSWORD
    if not login:
        raise CommandError(
            f"Укажите, от чьего имени выполнить команду: --user ЛОГИН или переменная {ENV_USER} "
            f"(пароль — в переменной {ENV_PASSWORD} или на запрос)."
        )
    if password is None:
        password = _prompt_password(f"Пароль пользователя {login}: ", ENV_PASSWORD)
    return services.users.authenticate(login, password)


def _prompt_password(prompt: str, variable: str, *, twice: bool = False) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise CommandError(f"Пароль не задан: укажите его в переменной {variable} (запросить его негде).")
    password = getpass.getpass(prompt)
    if twice and getpass.getpass("Ещё раз: ") != password:
        raise CommandError("Пароли не совпадают.")
    return password


def _new_password() -> str:
    return os.environ.get(ENV_NEW_PASSWORD) or _prompt_password("Новый пароль: ", ENV_NEW_PASSWORD, twice=True)


def _date(text: str) -> dt.date:
    from desktop.services.calendar import parse_date

    return parse_date(text)


# -- commands ----------------------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    services = _open_database(args)
    try:
        print(f"База данных готова: {services.location.describe()}")
        if services.users.count() == 0:
            login, password = os.environ.get(ENV_USER, "").strip(), os.environ.get(ENV_PASSWORD)
            if login and password:
                from desktop.domain.access import Actor

                setup = services.as_actor(Actor.bootstrap(login))
                admin = setup.users.create_first_admin(login, args.name or "Администратор Программы", password)
                print(f"Создан первый администратор: {admin.full_name} (логин {admin.login}).")
            else:
                print(
                    f"Пользователей ещё нет. Создайте администратора: {ENV_USER}=логин {ENV_PASSWORD}=пароль "
                    "school-office init [--name ФИО], или запустите программу: она спросит сама."
                )
        missing = services.settings.missing_profile()
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
    from desktop.ui.screenshot import SMALLEST, VIEWS, demo_login, render_view, russian_system_locale

    if args.view not in VIEWS:
        raise CommandError(f"Неизвестный раздел «{args.view}». Доступные разделы: {', '.join(VIEWS)}.")
    if width < SMALLEST[0] or height < SMALLEST[1]:
        raise CommandError(
            f"Размер {args.size} меньше наименьшего размера окна программы {SMALLEST[0]}x{SMALLEST[1]}: "
            "укажите размер не меньше."
        )
    russian_system_locale()
    services = _open(args, demo_login=demo_login(args.view))
    try:
        render_view(services, args.view, out, (width, height))
    finally:
        services.close()
    print(f"Снимок раздела «{args.view}» сохранён: {out}")
    return EXIT_OK


def _cmd_about(args: argparse.Namespace) -> int:
    """Needs no login and no database of its own: it only says which one would be used."""
    from desktop.about import COMPONENTS, qt_version, system_summary, translations_line, version_of
    from desktop.store.db import resolve_location

    for line in system_summary(resolve_location(args.db, demo=args.demo).describe()):
        print(line)
    print(qt_version())
    print(translations_line())
    print()
    print("Шрифты и библиотеки в составе программы:")
    width = max(len(c.name) for c in COMPONENTS)
    for component in COMPONENTS:
        version = version_of(component) or "—"
        print(f"  {component.name:<{width}}  {version:<12}  {component.licence}")
    return EXIT_OK


def _cmd_self_check(args: argparse.Namespace) -> int:
    from desktop.selfcheck import run

    return run(Path(args.keep) if args.keep else None)


def _cmd_users_add(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        services.ctx.require(Action.USERS_MANAGE)  # before asking for a password nobody may set
        user = services.users.add(args.login, args.name, args.role, _new_password())
    finally:
        services.close()
    print(f"Добавлен пользователь {user.full_name} (логин {user.login}), роли: {user.roles_text}.")
    print("При первом входе в программу он сменит пароль на свой.")
    return EXIT_OK


def _cmd_users_list(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        users = services.users.list()
    finally:
        services.close()
    width = max([len(u.login) for u in users] + [5])
    name_width = max([len(u.full_name) for u in users] + [3])
    print(f"{'Логин':<{width}}  {'ФИО':<{name_width}}  {'Состояние':<12}  Роли")
    for u in users:
        print(f"{u.login:<{width}}  {u.full_name:<{name_width}}  {u.state_text:<12}  {u.roles_text}")
    return EXIT_OK


def _cmd_users_block(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        user = services.users.block(args.login) if args.block else services.users.unblock(args.login)
    finally:
        services.close()
    print(f"{user.full_name} (логин {user.login}): {user.state_text}.")
    return EXIT_OK


def _cmd_users_roles(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        user = services.users.set_roles(args.login, args.role)
    finally:
        services.close()
    print(f"{user.full_name} (логин {user.login}), роли: {user.roles_text}.")
    return EXIT_OK


def _cmd_users_reset(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        services.ctx.require(Action.USERS_MANAGE)
        user = services.users.reset_password(args.login, _new_password())
    finally:
        services.close()
    print(f"{user.full_name} (логин {user.login}): задан временный пароль, при входе его нужно сменить.")
    return EXIT_OK


def _cmd_users_passwd(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        old = os.environ.get(ENV_PASSWORD) or _prompt_password("Текущий пароль: ", ENV_PASSWORD)
        services.users.change_own_password(old, _new_password())
    finally:
        services.close()
    print("Пароль изменён.")
    return EXIT_OK


def _report_catalogue() -> tuple[ReportInfo, ...]:
    """The reports `export` can write (`desktop.services.reports.REPORTS`): imported only when asked for, so the
    other commands start without the services."""
    from desktop.services.reports import REPORTS

    return REPORTS


def _cmd_export(args: argparse.Namespace) -> int:
    reports = {r.name: r for r in _report_catalogue()}
    if args.list or not args.report:
        if not args.list:
            raise CommandError("Укажите, что выгрузить. Доступно: " + ", ".join(reports) + ".")
        width = max(len(name) for name in reports)
        for name, report in reports.items():
            print(f"{name:<{width}}  {report.title[:1].lower()}{report.title[1:]} — {report.description}")
        return EXIT_OK
    if args.report not in reports:
        raise CommandError(f"Неизвестный отчёт «{args.report}». Доступные отчёты: {', '.join(reports)}.")
    if not args.out:
        raise CommandError("Укажите файл: --out ФАЙЛ.xlsx")
    date_from = _date(args.date_from) if args.date_from else None
    date_to = _date(args.date_to) if args.date_to else None
    if date_from and date_to and date_from > date_to:
        raise CommandError("Дата «--from» позже даты «--to».")
    services = _open(args)
    try:
        count = services.reports.write(
            args.report, Path(args.out), date_from=date_from, date_to=date_to, progress=None
        )
    finally:
        services.close()
    if args.report == "summary":
        print(f"Сводный отчёт сохранён: {args.out}")
    else:
        print(f"Выгружено записей: {count}. Файл: {args.out}")
    return EXIT_OK


def _cmd_import_appeals(args: argparse.Namespace) -> int:
    return _import(args, lambda services: services.appeals_io)


def _cmd_import_tickets(args: argparse.Namespace) -> int:
    return _import(args, lambda services: services.tickets_io)


def _cmd_import_students(args: argparse.Namespace) -> int:
    return _import(args, lambda services: services.families_io)


def _cmd_import_grades(args: argparse.Namespace) -> int:
    return _import(args, lambda services: services.grades_io)


def _import(args: argparse.Namespace, exchange) -> int:  # type: ignore[no-untyped-def]
    """Load a register file through `exchange(services)`: all or nothing, every problem on its own line."""
    from desktop.services.tabular import ImportFailed

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Файл не найден: {path}")
    services = _open(args)
    try:
        result = exchange(services).import_file(path)
    except ImportFailed as exc:
        # Every problem, one a line, so that the whole file can be put right in one go.
        count = len(exc.problems)
        print(f"Ошибка: файл {path.name} не загружен, ничего не записано. Ошибок: {count}.", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    finally:
        services.close()
    print(result.describe())
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from desktop.domain.access import Actor

    services = _open_database(args)
    try:
        system = services.as_actor(Actor.system())
        now = None
        if args.now:
            from desktop.services.tabular import parse_local_datetime, school_moment

            try:
                local = parse_local_datetime(args.now)
                now = school_moment(local.value, system.settings.timezone())
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from None
        result = system.appeals.sweep(now)
    finally:
        services.close()
    print(result.describe())
    return EXIT_OK


def _appeal_id(services, number: str) -> int:  # type: ignore[no-untyped-def]
    found = services.appeals.find(number)
    if found is None:
        raise CommandError(f"Обращение «{number}» не найдено: укажите его номер, например О-2026/0001.")
    return int(found)


def _cmd_print_notice(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        path = services.appeals_io.write_notice_letter(_appeal_id(services, args.number), Path(args.out))
    finally:
        services.close()
    print(f"Письмо в Департамент по обращению {args.number} сохранено: {path}")
    return EXIT_OK


def _cmd_print_appendix(args: argparse.Namespace) -> int:
    from desktop.domain.families import Appendix

    appendix = Appendix(args.appendix)
    student = (args.student or "").strip()
    if not student and not args.blank:
        raise CommandError("Укажите ученика: --student \"ФИО\" --class КЛАСС (или --blank для пустого бланка).")
    services = _open(args)
    try:
        student_id = services.families.find_student(student, args.class_name) if student else None
        path = services.families_io.print_appendix(student_id, appendix, Path(args.out), blank=args.blank)
    finally:
        services.close()
    what = "бланк" if student_id is None else f"ученик {student}" + (", бланк" if args.blank else "")
    print(f"Заявление (Приложение № {appendix.value}, {what}) сохранено: {path}")
    return EXIT_OK


def _cmd_print_weekly(args: argparse.Namespace) -> int:
    day = _date(args.week)
    services = _open(args)
    try:
        count = services.weekly_print.print_weekly(
            Path(args.out), day, class_name=args.class_name, everyone=args.everyone
        )
    finally:
        services.close()
    print(f"Напечатано отчётов: {count}. Файл: {args.out}")
    return EXIT_OK


def _cmd_print_support_notice(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        path = services.support_io.write_notice(Path(args.out))
    finally:
        services.close()
    print(f"Памятка классному руководителю об ошибках в работе ЭПОС сохранена: {path}")
    return EXIT_OK


def _cmd_optout_register(args: argparse.Namespace) -> int:
    from desktop.domain.families import Appendix

    appendix = Appendix(args.appendix)
    received = _date(args.received)
    services = _open(args)
    try:
        student_id = services.families.find_student(args.student, args.class_name)
        codes_before = services.families.card(student_id, record_access=False).row.active_codes
        row = services.families.register_optout(student_id, appendix, received)
        card = services.families.card(student_id, record_access=False)
    finally:
        services.close()
    revoked = codes_before - card.row.active_codes
    print(
        f"Заявление (Приложение № {appendix.value}) от {received:%d.%m.%Y} зарегистрировано: {card.row.full_name}, "
        f"{card.row.class_name}, переведён(а) на бумажные отчёты; кодов отозвано: {revoked}."
    )
    if row.applicants and row.applicants != "—":
        print(f"Заявители: {row.applicants}.")
    return EXIT_OK


def _cmd_appeals_email(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        path = services.appeals_io.write_answer_email(_appeal_id(services, args.number), Path(args.out))
    finally:
        services.close()
    print(f"Письмо с ответом на обращение {args.number} сохранено: {path} (откройте его в почтовой программе и отправьте)")
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from desktop.services.backup import KEEP, Backups

    keep = KEEP if args.keep is None else args.keep
    if keep < 1:
        raise CommandError(f"--keep: хранить нужно хотя бы одну копию, а не {keep}.")
    services = _open(args)
    try:
        path = Backups(services).backup(Path(args.out) if args.out else None, keep=keep)
    finally:
        services.close()
    print(f"Резервная копия сохранена: {path}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from desktop.domain.access import Actor
    from desktop.services.backup import Backups
    from desktop.services.errors import ServiceError
    from desktop.services.registry import computer_user, open_services
    from desktop.store.db import resolve_location

    location = resolve_location(args.db, demo=args.demo)
    try:
        opened = _open_database(args)
    except ServiceError as exc:
        if location.path is None:
            raise
        # A broken database is exactly what gets restored: nobody can log in to it, whoever may touch the file may.
        print(f"Внимание: текущая база не открывается ({exc}). Восстановление — без входа.", file=sys.stderr)
        services = open_services(location, actor=Actor.bootstrap(computer_user()), run_migrations=False)
    else:
        try:
            services = opened.as_actor(_who(args, opened, demo_login=None))
        except BaseException:
            opened.close()
            raise
    try:
        result = Backups(services).restore(Path(args.file))
    finally:
        services.close()
    print(f"База данных восстановлена из {result.source}: {result.database}")
    if result.kept is not None:
        print(f"Прежняя база сохранена: {result.kept}")
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    from desktop.app import run_gui

    return run_gui(db=args.db, demo=args.demo, user=args.user)


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
