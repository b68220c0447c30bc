"""The audit trail: browse and filter the append-only event log, and export it to Excel (a look at personal data
that is itself recorded). Nothing here changes or deletes an event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select

from desktop.domain.access import Action
from desktop.services.context import ServiceContext
from desktop.services.registers import (
    exported_by,
    period_text,
    school_short_name,
    titled,
    write_and_record,
    xlsx_path,
)
from desktop.store.models import Event, User

KIND_LABELS = {"change": "изменение", "access": "просмотр данных", "auth": "вход и блокировка"}

ENTITY_LABELS = {
    "settings": "настройки школы",
    "calendar_override": "календарь: день школы",
    "calendar_year": "календарь: год",
    "user": "пользователь",
    "login": "вход в программу",
    "audit": "журнал событий",
    "appeal_import": "обращения: загрузка реестра",
    "appeals": "реестр обращений",
    "appeal": "обращение",
    "ticket": "заявка по инициативе",
    "tickets": "реестр заявок по инициативам",
    "agent": "исполнитель заявок",
    "student": "обучающийся",
    "representative": "законный представитель",
    "access": "доступ к электронному дневнику",
    "grades_import": "отметки: загрузка из электронного журнала",
    "printout": "отчёт на бумаге",
    "support": "запрос в поддержку ЭПОС",
    "summary": "сводный отчёт за период",
    "database": "база данных",
    "reports": "отчёты",
}

ACTION_LABELS = {
    "set": "задано",
    "remove": "удалено",
    "confirm": "подтверждено",
    "unconfirm": "подтверждение снято",
    "add": "добавлен",
    "set_roles": "изменены роли",
    "rename": "изменено ФИО",
    "block": "заблокирован",
    "unblock": "разблокирован",
    "reset_password": "пароль сброшен администратором",
    "change_password": "пароль сменён",
    "login": "вход",
    "failed": "неверный пароль",
    "refused_blocked": "вход заблокированного",
    "lock": "блокировка экрана",
    "idle_lock": "блокировка экрана по бездействию",
    "unlock": "разблокировка экрана",
    "export": "выгрузка",
    "open": "просмотр",
    "import": "загрузка из файла",
    "answer_email": "письмо с ответом заявителю (.eml)",
    "notice_letter": "письмо в Департамент (PDF)",
    "register": "зарегистрировано",
    "answer": "дан ответ",
    "escalate": "передано на следующий уровень",
    "forward_to_sui": "передано в СУИ («Вне компетенции»)",
    "department_notice": "уведомление в Департамент",
    "create": "создано",
    "status": "изменён статус",
    "assign": "назначен исполнитель",
    "reassign": "исполнитель заменён",
    "message": "сообщение",
    "feedback": "обратная связь",
    "specialisations": "изменены специализации",
    "absence_add": "добавлено отсутствие",
    "absence_remove": "отсутствие удалено",
    "enroll": "зачислен",
    "move": "переведён в другой класс",
    "left": "выбыл",
    "return": "вернулся",
    "representative_add": "добавлен представитель",
    "update": "изменены сведения",
    "consent": "согласие на обработку данных",
    "consent_withdrawn": "согласие отозвано",
    "application": "заявление на доступ",
    "issue": "выдан код доступа",
    "reissue": "код доступа выдан повторно",
    "revoke": "код доступа отозван",
    "refusal": "отказ в доступе",
    "optout_2": "заявление об отказе (приложение 2)",
    "optout_3": "заявление об отказе (приложение 3)",
    "print": "напечатано",
    "print_final": "напечатаны итоговые отметки",
    "hand_over": "вручено",
    "open_file": "открыт файл",
    "open_letter": "открыто письмо",
    "corrected": "исправлено в ЭПОС",
    "checked": "проверено с пользователем",
    "stp_sent": "заявка в СТП",
    "stp_followup": "дополнение к заявке в СТП",
    "stp_number": "номер заявки СТП",
    "stp_reply": "ответ СТП",
    "closed": "закрыто",
    "backup": "резервная копия",
    "daily_backup": "ежедневная резервная копия",
    "restore": "восстановлено из резервной копии",
}

#: The columns of the exported trail (`school-office export audit`): a contract for those who read the file.
EXPORT_HEADERS = ("Дата и время", "Пользователь", "Логин", "Вид", "Объект", "Номер объекта", "Действие", "Было", "Стало")


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: dates are the school's calendar days, both ends included."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    kind: str | None = None
    entity: str | None = None
    text: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str
    actor_login: str
    kind: str
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def kind_text(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def entity_text(self) -> str:
        return ENTITY_LABELS.get(self.entity, self.entity)

    @property
    def action_text(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def before_text(self) -> str:
        return describe_values(self.before)

    @property
    def after_text(self) -> str:
        return describe_values(self.after)


def describe_values(values: dict[str, Any] | None) -> str:
    """«kind: day_off; reason: Карантин» — a dict of an event as one line of text."""
    if not values:
        return ""
    if list(values) == ["value"]:  # a setting: its value alone
        return "" if values["value"] is None else str(values["value"])
    parts = []
    for key, value in values.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        elif isinstance(value, bool):
            value = "да" if value else "нет"
        elif value is None:
            value = "—"
        elif not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


class AuditService:
    """Read the event log (administrator and director) and export it."""

    def __init__(self, ctx: ServiceContext, timezone: Callable[[], dt.tzinfo]) -> None:
        self._ctx = ctx
        self._timezone = timezone

    def _bounds(self, day: dt.date) -> dt.datetime:
        """The start of a school-calendar day as a UTC moment."""
        return dt.datetime.combine(day, dt.time(0), tzinfo=self._timezone()).astimezone(dt.UTC)

    def _query(self, flt: AuditFilter) -> Select:  # bare: SQLAlchemy 2.0 and 2.1 parametrize Select differently
        query = select(Event, User.login).outerjoin(User, Event.actor_id == User.id)
        if flt.date_from is not None:
            query = query.where(Event.at >= self._bounds(flt.date_from))
        if flt.date_to is not None:
            query = query.where(Event.at < self._bounds(flt.date_to + dt.timedelta(days=1)))
        if flt.actor_id is not None:
            query = query.where(Event.actor_id == flt.actor_id)
        if flt.kind:
            query = query.where(Event.kind == flt.kind)
        if flt.entity:
            query = query.where(Event.entity == flt.entity)
        text = flt.text.strip()
        if text:
            like = f"%{text}%"
            query = query.where(or_(Event.entity_id.ilike(like), Event.actor.ilike(like)))
        return query

    def count(self, flt: AuditFilter = AuditFilter()) -> int:
        self._ctx.require(Action.AUDIT_VIEW)
        with self._ctx.transaction() as session:
            subquery = self._query(flt).with_only_columns(Event.id).subquery()
            return int(session.scalar(select(func.count()).select_from(subquery)) or 0)

    def page(self, flt: AuditFilter = AuditFilter(), offset: int = 0, limit: int = 200) -> list[AuditRow]:
        """Events newest first, `limit` of them from `offset`: a queue view pages through them."""
        self._ctx.require(Action.AUDIT_VIEW)
        with self._ctx.transaction() as session:
            query = self._query(flt).order_by(Event.at.desc(), Event.id.desc()).offset(offset).limit(limit)
            return [_row(event, login) for event, login in session.execute(query)]

    def _stream(self, flt: AuditFilter, chunk: int = 1000) -> Iterator[AuditRow]:
        """Every matching event, oldest first, fetched by key ranges so that memory stays flat."""
        last_id = 0
        while True:
            with self._ctx.transaction() as session:
                query = self._query(flt).where(Event.id > last_id).order_by(Event.id).limit(chunk)
                batch = [_row(event, login) for event, login in session.execute(query)]
            yield from batch
            if len(batch) < chunk:
                return
            last_id = batch[-1].id

    def actors(self) -> list[tuple[int, str]]:
        """(user id, «ФИО (логин)») of every user, for the filter."""
        self._ctx.require(Action.AUDIT_VIEW)
        with self._ctx.transaction() as session:
            return [(u.id, f"{u.full_name} ({u.login})") for u in session.scalars(select(User).order_by(User.full_name))]

    def export(
        self, path: Path, flt: AuditFilter = AuditFilter(), progress: Callable[[int], None] | None = None
    ) -> int:
        """Write the matching events to an Excel workbook; the export itself is recorded. Returns the row count."""
        from desktop.reports.workbook import Column

        self._ctx.require(Action.AUDIT_EXPORT)
        path = xlsx_path(path, "Журнал")
        period = period_text(flt.date_from, flt.date_to)
        tz = self._timezone()
        columns = [
            Column(EXPORT_HEADERS[0], 17, "DD.MM.YYYY HH:MM"),
            Column(EXPORT_HEADERS[1], 30),
            Column(EXPORT_HEADERS[2], 14),
            Column(EXPORT_HEADERS[3], 18),
            Column(EXPORT_HEADERS[4], 24),
            Column(EXPORT_HEADERS[5], 18),
            Column(EXPORT_HEADERS[6], 26),
            Column(EXPORT_HEADERS[7], 40, wrap=True),
            Column(EXPORT_HEADERS[8], 40, wrap=True),
        ]
        rows = (
            (
                r.at.astimezone(tz).replace(tzinfo=None),
                r.actor,
                r.actor_login,
                r.kind_text,
                r.entity_text,
                r.entity_id,
                r.action_text,
                r.before_text,
                r.after_text,
            )
            for r in self._stream(flt)
        )
        return write_and_record(
            self._ctx,
            path,
            entity="audit",
            entity_id="events",
            period=period,
            sheet_title="Журнал событий",
            title=titled("Журнал событий", school_short_name(self._ctx)),
            subtitle=f"Период: {period}. {exported_by(self._ctx, tz)} ({tz}).",
            columns=columns,
            rows=rows,
            progress=progress,
        )


def _row(event: Event, login: str | None) -> AuditRow:
    return AuditRow(
        id=event.id,
        at=event.at,
        actor=event.actor,
        actor_login=login or "",
        kind=event.kind,
        entity=event.entity,
        entity_id=event.entity_id,
        action=event.action,
        before=event.before,
        after=event.after,
    )
