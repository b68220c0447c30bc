"""Demo support requests for the e-journal (seed 001): every stage of the queue as of today — new ones brought by the
class teacher (students and a parent of the demo families register, a teacher), a correction made on Friday evening
that waits for Monday 14:00, a correction to check with the user, one not solved that waits for a request to СТП, two
open at СТП (one with СТП's number and a follow-up, one longer than the reminder, with a second request of the same
person waiting), solved after a correction and after СТП, and one closed because the student left the school. The
letters to СТП are written by the service and kept with the requests."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from desktop.domain.access import Actor, Role
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.support import UserRole
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.settings import SettingsService
from desktop.services.support import StpLetter, SupportInput, SupportService

#: The 9Б class teacher, who is not a user of the demo: the administrator takes in what she brings.
TEACHER_9B = "Николаева Галина Петровна"


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _png(width: int, height: int, accent: tuple[int, int, int]) -> bytes:
    """A tiny valid PNG that looks like a screenshot: a coloured title bar, grey lines of text, a red error box."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if y < 6:
            return accent
        if height - 14 <= y < height - 4 and 8 <= x < width - 8:
            edge = y in (height - 14, height - 5) or x in (8, width - 9)
            return (200, 30, 30) if edge else (255, 230, 230)
        if y % 6 == 2 and 4 <= x < width - 4 - (y * 7) % 23:
            return (150, 150, 150)
        return (255, 255, 255)

    raw = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _shot(name: str, accent: tuple[int, int, int] = (40, 90, 160), width: int = 96) -> FileIn:
    return FileIn(name, _png(width, 56, accent))


def _video(name: str) -> FileIn:
    """A few bytes that open as an (empty) MP4: the «ftyp» box and a «free» box."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 0x200, b"isom", b"mp41")
    note = "демонстрационная запись экрана".encode()
    return FileIn(name, ftyp + struct.pack(">I4s", 8 + len(note), b"free") + note)


def _create(service: SupportService, data: SupportInput, ids: dict[int, int], key: int) -> None:
    ids[key] = service.create(data).id


def _apply(action: Callable[[int], object], ids: dict[int, int], key: int) -> None:
    action(ids[key])


@dataclass
class _Plan:
    """One request: when it came in, who took it in, what it says, and what happened to it afterwards."""

    at: dt.datetime
    by: str
    data: SupportInput
    steps: list[tuple[dt.datetime, Callable[[int], object]]] = field(default_factory=list)


def fill_demo_support(services: Services, actors: dict[Role, Actor]) -> None:
    """Take in and work the demo support requests as the demo class teacher and e-journal administrator, each step at
    its own moment before now, on the working calendar relative to today (so the queue always shows every stage)."""
    now = services.ctx.clock()
    clock = _Clock(now)
    tz = services.settings.timezone()
    cal = services.calendar.work_calendar()
    today = now.astimezone(tz).date()

    def as_(actor: Actor) -> SupportService:
        ctx = ServiceContext(services.ctx.sessions, actor, clock)
        return SupportService(ctx, SettingsService(ctx), CalendarService(ctx))

    admin, teacher = as_(actors[Role.EPOS_ADMIN]), as_(actors[Role.CLASS_TEACHER])
    people = {"admin": admin, "teacher": teacher}
    belova = actors[Role.CLASS_TEACHER].name

    def back(n: int) -> dt.date:
        return cal.subtract_working_days(today, n) if n else today

    try:
        back(15)
    except UnknownCalendarYear:  # the production calendar around today is not known: no requests
        return

    def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
        """A moment of the school's day; today's moments stay before now (the demo may be opened early)."""
        moment = dt.datetime.combine(day, dt.time(hh, mm), tzinfo=tz).astimezone(dt.UTC)
        return min(moment, now - dt.timedelta(minutes=30))

    def after_effect(changed: dt.datetime, day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
        """`day` at `hh:mm`, or an hour after the correction made at `changed` took effect when that is later."""
        return max(at(day, hh, mm), admin.effective_at(changed).astimezone(dt.UTC) + dt.timedelta(hours=1))

    # Demo families' children (demo_families): the school year of today, a child of grade g born between September of
    # (start - 6 - g) and August of (start - 5 - g).
    start = today.year if today.month >= 9 else today.year - 1

    def born(grade: int, day: int, month: int) -> dt.date:
        return dt.date(start - (6 if month >= 9 else 5) - grade, month, day)

    def intake(
        name: str,
        birth: dt.date,
        email: str,
        role: UserRole,
        cls: str,
        brought_by: str,
        text: str,
        *files: FileIn,
    ) -> SupportInput:
        return SupportInput(name, birth, email, role, cls, brought_by, text, files)

    def correct(note: str) -> Callable[[int], object]:
        return lambda r: admin.correct(r, note=note)

    def checked(solved: bool, note: str = "") -> Callable[[int], object]:
        return lambda r: admin.check(r, solved, note=note)

    def to_stp(subject: str, problem: str, action: str, *files: FileIn) -> Callable[[int], object]:
        return lambda r: admin.send_to_stp(r, StpLetter(subject, problem, action, files))

    def stp_number(number: str) -> Callable[[int], object]:
        return lambda r: admin.set_stp_number(r, number)

    def stp_reply(text: str) -> Callable[[int], object]:
        return lambda r: admin.record_stp_reply(r, text)

    def followup(text: str, *files: FileIn) -> Callable[[int], object]:
        return lambda r: admin.add_followup(r, text, files)

    def close(note: str) -> Callable[[int], object]:
        return lambda r: admin.close(r, note)

    # -- the correction made on Friday evening: «вступят в силу в понедельник … после 14:00» -------------------------
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7)
    friday_fix = dt.datetime.combine(friday, dt.time(18, 40), tzinfo=tz).astimezone(dt.UTC)
    if not (friday_fix < now < admin.effective_at(friday_fix)):
        # Too early in the week for last Friday's change to be still waiting: one made yesterday evening or just now.
        friday_fix = at(back(1), 17, 30)
        if admin.effective_at(friday_fix) <= now:
            friday_fix = now - dt.timedelta(minutes=20)
    fix_received = friday_fix - dt.timedelta(hours=6, minutes=15)

    plans = [
        # «Новая»: brought by the class teacher today and yesterday — a student and a parent of the families register,
        # a teacher; and a second request of a teacher whose first one is still open at СТП.
        _Plan(at(today, 8, 40), "teacher", intake(
            "Воробьёв Егор Романович", born(5, 27, 4), "vorobyova.es@mail.ru", UserRole.STUDENT, "5А", belova,
            "Не отображаются оценки за четверть: в дневнике ученика пустая графа «1 четверть» по всем предметам, "
            "хотя учителя выставили итоговые отметки. Вход через Госуслуги с почты мамы.",
            _shot("скриншот_дневник.png"),
        )),
        _Plan(at(back(1), 14, 5), "admin", intake(
            "Гусева Анна Николаевна", dt.date(1986, 5, 14), "guseva.an@yandex.ru", UserRole.PARENT, "9Б", TEACHER_9B,
            "Ребёнок не привязан к родителю в ЭПОС: после входа через Госуслуги в личном кабинете родителя нет "
            "дочери, Гусевой Полины Артёмовны (9Б), написано «Нет привязанных детей».",
            _shot("скриншот_нет_детей.png", (60, 120, 60)), _shot("скриншот_профиль.png", (60, 120, 60), 80),
        )),
        _Plan(at(back(1), 15, 20), "teacher", intake(
            "Кравцова Людмила Петровна", dt.date(1979, 11, 2), "kravtsova.lp@mail.ru", UserRole.TEACHER, "", belova,
            "Учитель не видит класс в журнале: с понедельника Кравцова Л. П. ведёт историю в 5А вместо ушедшего "
            "в отпуск учителя, но класса 5А в её журнале нет.",
            _shot("скриншот_журнал.png", (120, 70, 20)),
        )),
        _Plan(at(today, 9, 15), "admin", intake(
            "Соловьёв Андрей Викторович", dt.date(1984, 8, 21), "soloviev.av@gmail.com", UserRole.TEACHER, "",
            "Соловьёв Андрей Викторович (обратился сам)",
            "В журнале 7Б не сохраняются отметки за самостоятельную работу: после нажатия «Сохранить» страница "
            "обновляется, отметки пропадают.",
            _shot("скриншот_отметки_7Б.png", (120, 70, 20)),
        )),
        # «Исправлено», waiting until the change takes effect.
        _Plan(fix_received, "teacher", intake(
            "Жукова Дарья Сергеевна", born(5, 14, 2), "zhukova.oa@mail.ru", UserRole.STUDENT, "5А", belova,
            "Неверно указан класс: в ЭПОС ученица числится в 5Б, хотя по приказу переведена в 5А; в дневнике "
            "расписание и домашние задания 5Б.",
            _shot("скриншот_класс_5Б.png"),
        ), [(friday_fix, correct("Ученица переведена в ЭПОС из 5Б в 5А, приказ о переводе внесён."))]),
        # «Исправлено», the change has taken effect: the administrator asks the mother.
        _Plan(at(back(5), 10, 10), "teacher", intake(
            "Андреева Ирина Павловна", dt.date(1985, 3, 9), "andreeva.ip@example.ru", UserRole.PARENT, "5А", belova,
            "Ребёнок не привязан к родителю в ЭПОС: у мамы в кабинете не отображается сын, Андреев Максим "
            "Олегович (5А); у папы всё видно.",
            _shot("скриншот_кабинет_родителя.png", (60, 120, 60)),
        ), [(at(back(4), 16, 10), correct("Привязка родителя к ребёнку добавлена, СНИЛС матери сверен."))]),
        # «Не решено»: corrected, checked with the user, still wrong — a request to СТП is to be written.
        _Plan(at(back(6), 9, 50), "teacher", intake(
            "Лебедев Михаил Павлович", born(5, 30, 5), "lebedeva.sv@example.ru", UserRole.STUDENT, "5А", belova,
            "Не отображаются оценки за четверть по математике и английскому языку, по остальным предметам "
            "отметки видны.",
            _shot("скриншот_оценки_четверть.png"), _shot("скриншот_журнал_учителя.png", (120, 70, 20)),
        ), [
            (at(back(6), 15), correct("Пересохранены итоговые отметки по математике и английскому языку.")),
            (after_effect(at(back(6), 15), back(3), 11), checked(False, "Мама ученика: по математике отметки появились, по английскому нет.")),
        ]),
        # «В СТП» within the reminder's days: СТП's number recorded, a follow-up with a screen recording.
        _Plan(at(back(3), 9), "admin", intake(
            "Иванова Алиса Дмитриевна", born(9, 22, 9), "alisa.ivanova@mail.ru", UserRole.STUDENT, "9Б", TEACHER_9B,
            "Не приходит код подтверждения при входе через Госуслуги: после ввода пароля ЭПОС просит код из СМС, "
            "код не приходит ни на телефон, ни на почту.",
            _shot("скриншот_вход_госуслуги.png", (30, 60, 140)),
        ), [
            (at(back(3), 11, 30), to_stp(
                "Не приходит код подтверждения при входе через Госуслуги",
                "При входе в ЭПОС через Госуслуги после ввода логина и пароля открывается страница ввода кода "
                "подтверждения; код не приходит. На Госуслуги напрямую ученица входит без ошибок.",
                "Вход в ЭПОС → «Войти через Госуслуги» → ввод логина и пароля → страница «Введите код».",
                _video("запись_экрана.mp4"),
            )),
            (at(back(2), 10, 15), stp_number("SD-2611-04873")),
            (at(back(1), 15), followup(
                "Ученица повторила вход с другого устройства 2 раза — код по-прежнему не приходит. Скриншот "
                "прилагаем.",
                _shot("скриншот_повторный_вход.png", (30, 60, 140)),
            )),
        ]),
        # «В СТП» longer than the reminder's working days: corrected, not solved, sent; СТП passed it on.
        _Plan(at(back(12), 9, 30), "admin", intake(
            "Соловьёв Андрей Викторович", dt.date(1984, 8, 21), "soloviev.av@gmail.com", UserRole.TEACHER, "",
            "Соловьёв Андрей Викторович (обратился сам)",
            "Учитель не видит класс в журнале: после назначения классным руководителем 7Б класс не отображается "
            "в разделе «Журнал».",
            _shot("скриншот_нет_класса_7Б.png", (120, 70, 20)),
        ), [
            (at(back(12), 16), correct("Назначение классным руководителем 7Б пересохранено.")),
            (after_effect(at(back(12), 16), back(10), 10), checked(False, "Класс 7Б в журнале по-прежнему не виден.")),
            (at(back(9), 11), to_stp(
                "Учитель не видит класс в журнале",
                "Педагог назначен классным руководителем 7Б, назначение сохранено администратором школы, но класс "
                "не отображается в разделе «Журнал». Повторное сохранение не помогло.",
                "Вход под учётной записью педагога → раздел «Журнал» → список классов (7Б нет).",
            )),
            (at(back(8), 12), stp_number("SD-2611-03912")),
            (at(back(6), 16, 30), stp_reply(
                "Заявка SD-2611-03912 передана разработчикам, срок решения будет сообщён дополнительно."
            )),
        ]),
        # «Решено» after a correction.
        _Plan(at(back(9), 9, 40), "teacher", intake(
            "Дмитриев Кирилл Андреевич", born(5, 8, 7), "dmitriev.ao@mail.ru", UserRole.STUDENT, "5А", belova,
            "Неверно указан класс: в дневнике ученика указан 6А вместо 5А.",
            _shot("скриншот_класс_6А.png"),
        ), [
            (at(back(9), 12), correct("Класс ученика исправлен на 5А.")),
            (after_effect(at(back(9), 12), back(7), 10, 30), checked(True, "Отец ученика подтвердил: в дневнике 5А.")),
        ]),
        # «Решено» after СТП's work.
        _Plan(at(back(14), 10), "teacher", intake(
            "Андреев Максим Олегович", born(5, 12, 1), "andreev.ov@mail.ru", UserRole.STUDENT, "5А", belova,
            "Не приходит код подтверждения при входе через Госуслуги: ученик не может войти в дневник с начала "
            "недели.",
            _shot("скриншот_код_не_пришёл.png", (30, 60, 140)),
        ), [
            (at(back(14), 15), correct("Почта ученика в ЭПОС приведена в соответствие с Госуслугами.")),
            (after_effect(at(back(14), 15), back(12), 10), checked(False, "Код по-прежнему не приходит.")),
            (at(back(12), 11), to_stp(
                "Не приходит код подтверждения при входе через Госуслуги",
                "Обучающийся не получает код подтверждения при входе через Госуслуги; почта в ЭПОС совпадает с "
                "почтой Госуслуг, исправление администратора школы не помогло.",
                "Вход в ЭПОС → «Войти через Госуслуги» → ввод логина и пароля → ожидание кода.",
            )),
            (at(back(11), 9), stp_number("SD-2611-03547")),
            (at(back(6), 15), stp_reply("Ошибка сопоставления учётной записи с ЕСИА устранена, просим проверить вход.")),
            (at(back(5), 10), checked(True, "Ученик вошёл через Госуслуги, код пришёл.")),
        ]),
        # «Закрыто» without a solution: the student left the school (demo_families: he left 8 working days ago).
        _Plan(at(back(11), 13), "admin", intake(
            "Ковалёв Никита Сергеевич", born(9, 1, 12), "kovaleva.ya@mail.ru", UserRole.STUDENT, "9Б", TEACHER_9B,
            "Не отображаются оценки за четверть по физике.",
            _shot("скриншот_физика.png"),
        ), [(at(back(7), 12), close("Пользователь выбыл из школы (переезд в г. Тобольск): запрос не актуален."))]),
    ]  # fmt: skip

    # Taken in in the order they came, so that the numbers follow the days; then every step in the order it happened,
    # each after the one before it; a step that would fall after now is left for later (the request waits at it).
    timeline: list[tuple[dt.datetime, int, Callable[[], object]]] = []
    ids: dict[int, int] = {}
    order = sorted(range(len(plans)), key=lambda i: plans[i].at)
    for seq, i in enumerate(order):
        plan = plans[i]
        timeline.append((plan.at, seq, partial(_create, people[plan.by], plan.data, ids, i)))
        last = plan.at
        for planned, step in plan.steps:
            moment = max(planned, last + dt.timedelta(minutes=1))
            if moment > now:
                break
            last = moment
            timeline.append((moment, len(plans) + len(timeline), partial(_apply, step, ids, i)))
    for moment, _seq, run in sorted(timeline, key=lambda t: (t[0], t[1])):
        clock.now = moment
        run()
    clock.now = now
