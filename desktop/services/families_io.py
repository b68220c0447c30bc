"""The families register in and out of the program: a class list imported from a spreadsheet (all or nothing,
updating people in place), and the paper forms of e-diary access filled in from the register (Appendix 2 and 3, the
application for access, the code slip, the refusal decision, the register of issued codes).

The reading of files (.xlsx; .csv in UTF-8 with or without BOM or Windows-1251, «;» or «,») and the problems (file,
row, column, reason) are the appeals' own (`desktop.services.tabular`); students are enrolled and moved by the same
`enroll` and `move` the families service uses, so the register's history reads the same whichever way a change came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import families as rules
from desktop.domain.access import Action
from desktop.domain.families import Appendix, CodeState, Handover, RefusalGround, Relation
from desktop.domain.russian import plural
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.services.families import (
    ENTITY_ACCESS,
    ENTITY_REPRESENTATIVE,
    ENTITY_STUDENT,
    RepresentativeInput,
    _representatives_of,
    enroll,
    find_representative,
    get_class,
    move,
    representative_problems,
)
from desktop.services.settings import SettingsService
from desktop.services.tabular import (
    Field,
    ImportFailed,
    ImportProblem,
    Problems,
    TableRow,
    parse_date_value,
    read_table,
)
from desktop.store.models import (
    AccessApplication,
    AccessCode,
    AccessRefusal,
    Representative,
    SchoolClass,
    Student,
    StudentEvent,
    StudentRepresentative,
)

IMPORT_ENTITY = "families_import"
MAX_NAME_LENGTH = 200
MAX_ADDRESS_LENGTH = 300

# -- the import's columns: a contract for those who prepare the file ---------------------------------------------

CLASS = Field("class", "Класс", required=True, aliases=("Класс ученика", "Класс обучающегося"))
STUDENT = Field(
    "student", "Ученик", required=True,
    aliases=("ФИО ученика", "Обучающийся", "ФИО обучающегося", "Ученик (ФИО)", "Ребёнок", "ФИО ребёнка"),
)  # fmt: skip
BIRTH = Field(
    "birth", "Дата рождения", required=True,
    aliases=("Дата рождения ученика", "Дата рождения обучающегося", "Дата рождения ребёнка", "Д.р.", "ДР"),
)  # fmt: skip
REPRESENTATIVE = Field(
    "representative", "Представитель", required=True,
    aliases=("ФИО представителя", "Законный представитель", "ФИО законного представителя", "Родитель",
             "ФИО родителя", "Родитель (законный представитель)"),
)  # fmt: skip
RELATION = Field(
    "relation", "Кем приходится",
    aliases=("Кем приходится ребёнку", "Кем приходится ученику", "Степень родства", "Родство", "Статус представителя"),
)  # fmt: skip
PHONE = Field(
    "phone", "Телефон",
    aliases=("Телефон представителя", "Мобильный телефон", "Моб. телефон", "Контактный телефон", "Тел."),
)  # fmt: skip
EMAIL = Field(
    "email", "Email",
    aliases=("E-mail", "Эл. почта", "Электронная почта", "Адрес электронной почты", "Почта"),
)  # fmt: skip
ADDRESS = Field(
    "address", "Адрес",
    aliases=("Адрес проживания", "Адрес регистрации", "Адрес представителя", "Место жительства", "Почтовый адрес"),
)  # fmt: skip
IMPORT_FIELDS: tuple[Field, ...] = (CLASS, STUDENT, BIRTH, REPRESENTATIVE, RELATION, PHONE, EMAIL, ADDRESS)

_RELATIONS = ", ".join(f"«{label}»" for label in rules.RELATION_LABELS.values())
_REP_COLUMNS = {"full_name": REPRESENTATIVE, "phone": PHONE, "email": EMAIL, "address": ADDRESS}


@dataclass(frozen=True)
class FamiliesImportResult:
    """What an import did, student by student (each counted once: added, returned, moved, updated or unchanged)
    and representative by representative."""

    file: str
    added: int = 0
    moved: int = 0
    returned: int = 0
    updated: int = 0
    unchanged: int = 0
    representatives_added: int = 0
    representatives_updated: int = 0

    @property
    def students(self) -> int:
        return self.added + self.moved + self.returned + self.updated + self.unchanged

    def describe(self) -> str:
        parts = [f"новых — {self.added}", f"переведено в другой класс — {self.moved}"]
        if self.returned:
            parts.append(f"вернулись в школу — {self.returned}")
        parts += [f"обновлено — {self.updated}", f"без изменений — {self.unchanged}"]
        return (
            f"Загружен список учеников из {self.file}: {self.students} "
            f"{plural(self.students, 'ученик', 'ученика', 'учеников')} ({', '.join(parts)}). "
            f"Представители: новых — {self.representatives_added}, обновлено — {self.representatives_updated}. "
            "Ученики, которых нет в файле, не изменены."
        )

    def counts(self) -> dict[str, int]:
        return {
            "students": self.students, "added": self.added, "moved": self.moved, "returned": self.returned,
            "updated": self.updated, "unchanged": self.unchanged,
            "representatives_added": self.representatives_added,
            "representatives_updated": self.representatives_updated,
        }  # fmt: skip


@dataclass
class _Rep:
    line: int
    full_name: str
    relation: Relation
    phone: str
    email: str
    address: str


@dataclass
class _Student:
    """A child as the file gives them, gathered from all their rows."""

    line: int  # the first row
    full_name: str
    birth: dt.date
    class_name: str  # as `rules.class_key` writes it
    reps: list[_Rep] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, dt.date]:
        return rules.name_key(self.full_name), self.birth


@dataclass
class _Row:
    line: int
    full_name: str = ""
    birth: dt.date | None = None
    class_name: str = ""
    rep: _Rep | None = None

    @property
    def known(self) -> bool:
        """The child is named well: class, full name and date of birth."""
        return bool(
            self.class_name and self.full_name and len(self.full_name) <= MAX_NAME_LENGTH and self.birth
        )


Problem = Callable[[int, Field | None, str], None]


class FamiliesExchange:
    """The class lists imported into the families register, and the register's paper forms."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar

    # -- import -------------------------------------------------------------------------------------------------

    def import_file(self, path: Path) -> FamiliesImportResult:
        """Import a class list (.xlsx or .csv): all rows or none.

        Columns, in any order: «Класс», «Ученик», «Дата рождения», «Представитель» (required), «Кем приходится»,
        «Телефон», «Email», «Адрес». A child with two representatives comes as two rows (the child's class and
        date of birth repeated); a row without a representative only lists the child.

        Re-importing an updated list updates people **in place** and never duplicates them:

        * a student is the same by full name (case and «ё» aside) and date of birth; a changed spelling of the name
          is taken from the file; a changed class is a move recorded in the student's history (`move`); a student
          not yet in the register is enrolled (`enroll`);
        * **decision**: a student marked as left who is in the list again has returned to the school: studying
          again, in the file's class, the return recorded in the history («returned») and in the event log; their
          codes revoked on leaving stay revoked (a new code is issued by hand);
        * a representative is the same by full name among this child's representatives (then a new phone, e-mail or
          address from the file replaces the stored one), else by full name and phone digits anywhere in the
          register (`find_representative`: a sibling's parent is linked, not doubled); else a new person. An empty
          cell never erases what is stored; a changed «Кем приходится» is updated on the link;
        * students who are **not in the file are not marked as left**: a class list may be partial (one class,
          one parallel); leaving is recorded in the student's card. Representatives not in the file stay linked;
        * consents, access applications and codes are kept as they are: they belong to the people, who stay.

        Every row is checked first and every problem is reported at once (file, row, column, reason): an empty or
        ill-formed class, an empty name, a date of birth that cannot be read or gives an age outside 5-20, an
        unknown «Кем приходится», a bad phone or e-mail, a representative's details without a name, the same child
        with different dates of birth in one class, in two classes, or their representative twice with different
        details; and against the register: a child of the same name already in that class with another date of
        birth (a corrected date is put right in the card, not by import). Then, in one transaction, the changes
        are written; the import itself is one more event in the log with the counts (added, moved, returned,
        updated, unchanged).
        """
        self._ctx.require(Action.FAMILIES_IMPORT)
        path = Path(path)
        table = read_table(path, IMPORT_FIELDS)
        name = table.file
        if not table.rows:
            raise ImportFailed(
                [ImportProblem(name, None, None, "в файле нет ни одной строки под заголовками.")]
            )
        today = self._settings.today()
        problems = Problems(name)

        def problem(line: int, column: Field | None, reason: str) -> None:
            problems.add(line, column, reason)

        rows = [_parse(r, today, problem) for r in table.rows]
        # The children are gathered from every row that names one well, even if its representative is wrong: a
        # child given two ways is reported too (nothing is written while any problem is left).
        students = _gather([r for r in rows if r.known], problem)

        with self._ctx.transaction(write=True) as session:
            _check_against_database(session, students, problem)
            problems.raise_if_any(IMPORT_FIELDS)
            return self._write(session, name, students, today)

    def _write(
        self, session: Session, name: str, students: Sequence[_Student], today: dt.date
    ) -> FamiliesImportResult:
        now = self._ctx.clock()
        counts = dict.fromkeys(
            ("added", "moved", "returned", "updated", "unchanged", "reps_added", "reps_updated"), 0
        )
        for s in students:
            student = session.scalar(
                select(Student).where(Student.name_key == s.key[0], Student.birth_date == s.birth)
            )
            changed = False
            if student is None:
                student = enroll(session, self._ctx, s.full_name, s.birth, s.class_name, now, today)
                outcome = "added"
            elif not student.studying:
                self._return(session, student, s.class_name, now, today)
                outcome = "returned"
            elif move(session, self._ctx, student, s.class_name, now, today):
                outcome = "moved"
            else:
                outcome = "unchanged"
            if student.full_name != s.full_name:
                before = student.full_name
                student.full_name = s.full_name
                student.version += 1
                self._ctx.record(session, ENTITY_STUDENT, student.id, "update", {"full_name": before},
                                 {"full_name": s.full_name})  # fmt: skip
                changed = True
            for rep in s.reps:
                added, updated = self._link(session, student, rep)
                counts["reps_added"] += added
                counts["reps_updated"] += updated
                changed = changed or added or updated
            if outcome == "unchanged" and changed:
                outcome = "updated"
            counts[outcome] += 1
        result = FamiliesImportResult(
            file=name, added=counts["added"], moved=counts["moved"], returned=counts["returned"],
            updated=counts["updated"], unchanged=counts["unchanged"], representatives_added=counts["reps_added"],
            representatives_updated=counts["reps_updated"],
        )  # fmt: skip
        self._ctx.record(session, IMPORT_ENTITY, name, "import", None, {"file": name, **result.counts()})
        return result

    def _return(
        self, session: Session, student: Student, class_name: str, now: dt.datetime, today: dt.date
    ) -> None:
        """A student who had left is in the list again: studying again, in the file's class, recorded."""
        before = session.scalar(select(SchoolClass.name).where(SchoolClass.id == student.class_id)) or ""
        cls = get_class(session, class_name)
        left_on = student.left_on
        student.studying = True
        student.left_on = None
        student.class_id = cls.id
        student.version += 1
        session.add(StudentEvent(student_id=student.id, at=now, on=today, kind="returned", from_class=before,
                                 to_class=cls.name, actor=self._ctx.actor.name,
                                 note=f"Вернулся(ась) в школу, класс {cls.name} (по списку класса)"))  # fmt: skip
        self._ctx.record(session, ENTITY_STUDENT, student.id, "return",
                         {"studying": False, "left_on": left_on.isoformat() if left_on else None, "class": before},
                         {"studying": True, "class": cls.name})  # fmt: skip

    def _link(self, session: Session, student: Student, data: _Rep) -> tuple[bool, bool]:
        """Find or create the representative and link them to the child; (added, updated)."""
        key = rules.name_key(data.full_name)
        own = session.execute(
            select(Representative, StudentRepresentative)
            .join(StudentRepresentative, StudentRepresentative.representative_id == Representative.id)
            .where(StudentRepresentative.student_id == student.id, Representative.name_key == key)
            .order_by(Representative.id)
        ).all()
        phone = rules.phone_key(data.phone)
        found = next(((r, link) for r, link in own if r.phone_key == phone), None) or (
            own[0] if own else None
        )
        if found is not None:
            rep, link = found
        else:
            rep = find_representative(session, data.full_name, data.phone)
            link = None
        if rep is None:
            rep = Representative(
                full_name=data.full_name, name_key=key, phone=data.phone, phone_key=phone, email=data.email,
                address=data.address, version=1,
            )  # fmt: skip
            session.add(rep)
            session.flush()
            session.add(StudentRepresentative(student_id=student.id, representative_id=rep.id,
                                              relation=data.relation.value))  # fmt: skip
            self._ctx.record(session, ENTITY_STUDENT, student.id, "representative_add", None,
                             {"representative": rep.full_name, "relation": data.relation.label})  # fmt: skip
            return True, False
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}

        def put(attr: str, value: str) -> None:
            if value and getattr(rep, attr) != value:
                before[attr], after[attr] = getattr(rep, attr), value
                setattr(rep, attr, value)

        put("full_name", data.full_name)
        if data.phone and rep.phone_key != phone:
            before["phone"], after["phone"] = rep.phone, data.phone
            rep.phone, rep.phone_key = data.phone, phone
        put("email", data.email)
        put("address", data.address)
        if after:
            rep.version += 1
            self._ctx.record(session, ENTITY_REPRESENTATIVE, rep.id, "update", before, after)
        if link is None:
            session.add(StudentRepresentative(student_id=student.id, representative_id=rep.id,
                                              relation=data.relation.value))  # fmt: skip
            self._ctx.record(session, ENTITY_STUDENT, student.id, "representative_add", None,
                             {"representative": rep.full_name, "relation": data.relation.label})  # fmt: skip
            return False, True
        if link.relation != data.relation.value:
            self._ctx.record(session, ENTITY_REPRESENTATIVE, rep.id, "update",
                             {"relation": Relation(link.relation).label}, {"relation": data.relation.label})  # fmt: skip
            link.relation = data.relation.value
            return False, True
        return False, bool(after)

    # -- printing -----------------------------------------------------------------------------------------------

    def _pdf_path(self, path: Path) -> Path:
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise ServiceError(
                f"Документ сохраняется в PDF: укажите файл с расширением .pdf, а не «{path.name}»."
            )
        return path

    def _printed(
        self, session: Session, entity: str, entity_id: object, form: str, path: Path, **extra: Any
    ) -> None:
        """Personal data on paper: the printing is recorded as an access event."""
        self._ctx.record(session, entity, entity_id, "print", None, {"form": form, "file": path.name, **extra},
                         kind="access")  # fmt: skip

    def _school(self) -> Any:
        """The school's details for a form; a form addressed to the director needs the school and the director."""
        from desktop.printing.families_forms import School

        profile = self._settings.all()
        missing = [
            label
            for keys, label in ((("school_name", "school_short_name"), "наименование школы"),
                                (("director_name",), "ФИО директора"))
            if not any(profile.get(k, "").strip() for k in keys)
        ]  # fmt: skip
        if missing:
            raise ServiceError("Для печати бланка заполните в настройках школы: " + ", ".join(missing) + ".")
        return School(
            short_name=profile.get("school_short_name", "").strip(), director_name=profile["director_name"].strip(),
            name=profile.get("school_name", "").strip(), ejournal_name=profile.get("ejournal_name", "").strip(),
            ejournal_url=profile.get("ejournal_url", "").strip(),
        )  # fmt: skip

    def _render(self, render: Callable[[], Path]) -> Path:
        from desktop.printing.fonts import FontMissing
        from desktop.printing.forms import FormError

        try:
            return render()
        except (FontMissing, FormError) as exc:
            raise ServiceError(str(exc)) from exc
        except OSError as exc:
            raise ServiceError(f"Не удалось записать файл: {exc.strerror or exc}") from exc

    def print_appendix(
        self, student_id: int | None, appendix: Appendix, path: Path, blank: bool = False
    ) -> Path:
        """Appendix 2 or 3 (seed 004) as a PDF, addressed to the director: filled in from the register (the
        representatives with their address, the child, the class) or, with `blank`, for handwriting. A blank with
        a student names the child and the class and leaves lines for the parents; a blank without one is empty.
        Printing a child's form is recorded (personal data on paper)."""
        from desktop.printing.families_forms import OptOutApplication, render_optout

        self._ctx.require(Action.FAMILIES_VIEW)
        path = self._pdf_path(path)
        school = self._school()
        if student_id is None:
            if not blank:
                raise ServiceError(
                    "Укажите ученика: заполненное заявление печатается для ученика из реестра."
                )
            return self._render(lambda: render_optout(appendix, OptOutApplication(school, blank=True), path))
        with self._ctx.transaction() as session:
            student, class_name = _student_and_class(session, student_id)
            reps = (
                ()
                if blank
                else tuple(_form_rep(r, rel) for r, rel in _representatives_of(session, student.id))
            )
            form = OptOutApplication(
                school, child=student.full_name, class_name=class_name, representatives=reps
            )
            self._render(lambda: render_optout(appendix, form, path))
            self._printed(session, ENTITY_STUDENT, student.id, f"appendix{appendix.value}", path, blank=blank)
        return path

    def print_access_application(
        self, student_id: int | None, representative_id: int | None, path: Path, blank: bool = False
    ) -> Path:
        """The application for access to the e-journal («Приложение 1», with the consent to tick), filled in for a
        representative of the child, or blank."""
        from desktop.printing.families_forms import AccessApplication, render_access_application

        self._ctx.require(Action.FAMILIES_VIEW)
        path = self._pdf_path(path)
        school = self._school()
        if blank or student_id is None or representative_id is None:
            if not blank:
                raise ServiceError("Укажите ученика и представителя, или напечатайте пустой бланк.")
            return self._render(
                lambda: render_access_application(AccessApplication(school, blank=True), path)
            )
        with self._ctx.transaction() as session:
            student, class_name = _student_and_class(session, student_id)
            found = next(
                (x for x in _representatives_of(session, student.id) if x[0].id == representative_id), None
            )
            if found is None:
                raise ServiceError(
                    f"Представитель № {representative_id} не указан у ученика {student.full_name}."
                )
            form = AccessApplication(school, representative=_form_rep(*found), child=student.full_name,
                                     class_name=class_name)  # fmt: skip
            self._render(lambda: render_access_application(form, path))
            self._printed(session, ENTITY_STUDENT, student.id, "access_application", path,
                          representative=found[0].full_name)  # fmt: skip
        return path

    def print_slip(self, code_id: int, path: Path) -> Path:
        """The registration-code slip with a cut line: the school's half and the family's half (seed 003 §3.2).
        Its record number is the code's number in the register of issued codes."""
        from desktop.printing.families_forms import AccessSlip, render_access_slip

        self._ctx.require(Action.FAMILIES_VIEW)
        path = self._pdf_path(path)
        school = self._school()
        tz = self._settings.timezone()
        with self._ctx.transaction() as session:
            code = session.get(AccessCode, code_id)
            if code is None:
                raise ServiceError(f"Код не найден (№ {code_id}).")
            if CodeState(code.state) is not CodeState.ACTIVE:
                raise ServiceError(f"Код № {code.id} уже не действует ({CodeState(code.state).label}): расписка не "
                                   "печатается.")  # fmt: skip
            student, class_name = _student_and_class(session, code.student_id)
            rep = session.get(Representative, code.representative_id)
            form = AccessSlip(
                school, child=student.full_name, class_name=class_name, representative=rep.full_name if rep else "",
                code=code.code, issued_by=code.issued_by, issued_on=code.issued_at.astimezone(tz).date(),
                number=str(code.id),
            )  # fmt: skip
            self._render(lambda: render_access_slip(form, path))
            self._printed(session, ENTITY_ACCESS, f"{code.student_id}/{code.representative_id}", "access_slip", path,
                          code_id=code.id)  # fmt: skip
        return path

    def print_refusal(self, refusal_id: int, path: Path) -> Path:
        """The refusal decision with its grounds, signed by the director named in it when it was taken."""
        from desktop.printing.families_forms import RefusalDecision, render_access_refusal

        self._ctx.require(Action.FAMILIES_VIEW)
        path = self._pdf_path(path)
        school = self._school()
        with self._ctx.transaction() as session:
            r = session.get(AccessRefusal, refusal_id)
            if r is None:
                raise ServiceError("Решение об отказе не найдено.")
            app = session.get(AccessApplication, r.application_id) if r.application_id is not None else None
            if r.director_name:
                school = replace(school, director_name=r.director_name)
            form = RefusalDecision(
                school, number=r.number, date=r.decided_on, applicant=r.applicant_name, child=r.child_name,
                class_name=r.child_class, grounds=tuple(RefusalGround(g) for g in r.grounds), details=r.text,
                application_date=app.received_on if app else None,
            )  # fmt: skip
            self._render(lambda: render_access_refusal(form, path))
            self._printed(session, ENTITY_ACCESS, r.number, "access_refusal", path)
        return path

    def print_codes_register(self, path: Path, class_name: str = "", *, full_codes: bool = True) -> Path:
        """The register of issued codes (re-issued and revoked ones included), of a class or of the whole school,
        with a column for the signature on receipt. **Decision**: codes are printed in full by default, so that the
        register and the slip show the same code (the register is kept as a document with personal data);
        `full_codes=False` masks them."""
        from desktop.printing.families_forms import CodeRow, CodesRegister, render_codes_register

        self._ctx.require(Action.FAMILIES_VIEW)
        path = self._pdf_path(path)
        school = self._school()
        tz = self._settings.timezone()
        key = rules.class_key(class_name) if class_name.strip() else ""
        if key and (problem := rules.class_problem(key)):
            raise ServiceError(problem)
        query = (
            select(AccessCode, Student.full_name, SchoolClass.name, Representative.full_name)
            .join(Student, Student.id == AccessCode.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(Representative, Representative.id == AccessCode.representative_id)
            .order_by(AccessCode.issued_at, AccessCode.id)
        )
        if key:
            query = query.where(SchoolClass.name == key)
        with self._ctx.transaction() as session:
            rows = tuple(
                CodeRow(
                    number=str(c.id),
                    issued_on=c.issued_at.astimezone(tz).date(),
                    child=child,
                    class_name=cls,
                    representative=rep,
                    code=c.code,
                    handover=Handover(c.handover),
                    issued_by=c.issued_by,
                    state=CodeState(c.state),
                )
                for c, child, cls, rep in session.execute(query)
            )
            register = CodesRegister(school, scope=f"класс {key}" if key else "все классы", rows=rows,
                                     full_codes=full_codes, printed_on=self._settings.today())  # fmt: skip
            self._render(lambda: render_codes_register(register, path))
            self._printed(
                session, ENTITY_ACCESS, "codes", "codes_register", path, **{"class": key, "rows": len(rows)}
            )
        return path


def _student_and_class(session: Session, student_id: int) -> tuple[Student, str]:
    student = session.get(Student, student_id)
    if student is None:
        raise ServiceError(f"Ученик не найден (№ {student_id}).")
    return student, session.scalar(select(SchoolClass.name).where(SchoolClass.id == student.class_id)) or ""


def _form_rep(rep: Representative, relation: str) -> Any:
    from desktop.printing.families_forms import Representative as FormRepresentative

    return FormRepresentative(rep.full_name, address=rep.address, relation=Relation(relation), phone=rep.phone,
                              email=rep.email)  # fmt: skip


# -- checking the rows ---------------------------------------------------------------------------------------------


def _parse(source: TableRow, today: dt.date, problem: Problem) -> _Row:
    row = _Row(source.number)
    line = source.number

    class_text = source.text(CLASS.key)
    if not class_text:
        problem(line, CLASS, "не заполнен: укажите класс, например «5А».")
    elif reason := rules.class_problem(class_text):
        problem(line, CLASS, reason)
    else:
        row.class_name = rules.class_key(class_text)

    row.full_name = rules.clean_name(source.text(STUDENT.key))
    if not row.full_name:
        problem(line, STUDENT, "не заполнено: укажите фамилию, имя и отчество ученика.")
    elif len(row.full_name) > MAX_NAME_LENGTH:
        problem(line, STUDENT, f"ФИО ученика длиннее {MAX_NAME_LENGTH} знаков.")

    cell = source.get(BIRTH.key)
    if cell is None:
        problem(line, BIRTH, "не заполнена: укажите дату рождения ученика (ДД.ММ.ГГГГ).")
    else:
        try:
            birth = parse_date_value(cell)
        except ValueError as exc:
            problem(line, BIRTH, str(exc))
        else:
            if reason := rules.birth_date_problem(birth, today):
                problem(line, BIRTH, reason)
            else:
                row.birth = birth

    rep_name = rules.clean_name(source.text(REPRESENTATIVE.key))
    relation_text = source.text(RELATION.key)
    phone, email = source.text(PHONE.key), source.text(EMAIL.key)
    address = rules.clean_name(source.text(ADDRESS.key))
    if not rep_name:
        filled = [
            f.header
            for f, v in ((RELATION, relation_text), (PHONE, phone), (EMAIL, email), (ADDRESS, address))
            if v
        ]
        if filled:
            problem(line, REPRESENTATIVE, "не заполнено, а " + ", ".join(f"«{h}»" for h in filled) + " заполнено: "
                    "укажите ФИО представителя.")  # fmt: skip
        return row
    relation = rules.relation_from_text(relation_text) if relation_text else None
    if not relation_text:
        problem(line, RELATION, f"не заполнено: укажите, кем представитель приходится ребёнку: {_RELATIONS}.")
    elif relation is None:
        problem(line, RELATION, f"неизвестное значение «{relation_text}»: допустимо {_RELATIONS}.")
    found = representative_problems(
        RepresentativeInput(rep_name, relation or Relation.OTHER, phone=phone, email=email, address=address)
    )
    for key, reason in found.items():
        problem(line, _REP_COLUMNS.get(key), reason)
    if relation is not None and not found:
        row.rep = _Rep(line, rep_name, relation, phone.strip(), email.strip(), address)
    return row


def _gather(rows: Sequence[_Row], problem: Problem) -> list[_Student]:
    """The rows of one child together; a child the file gives two ways (dates of birth, classes) is a problem."""
    by_key: dict[tuple[str, dt.date], _Student] = {}
    by_name_class: dict[tuple[str, str], _Student] = {}
    for r in rows:
        assert r.birth is not None
        key = (rules.name_key(r.full_name), r.birth)
        s = by_key.get(key)
        if s is None:
            other = by_name_class.get((key[0], r.class_name))
            if other is not None:
                problem(r.line, BIRTH, f"{r.full_name} в классе {r.class_name} уже указан(а) в строке {other.line} с "
                        f"датой рождения {other.birth:%d.%m.%Y}, а здесь — {r.birth:%d.%m.%Y}: у одного ученика одна "
                        "дата рождения.")  # fmt: skip
                continue
            s = _Student(r.line, r.full_name, r.birth, r.class_name)
            by_key[key] = s
            by_name_class[(key[0], r.class_name)] = s
        elif s.class_name != r.class_name:
            problem(r.line, CLASS, f"{r.full_name} ({r.birth:%d.%m.%Y}) в строке {s.line} указан(а) в классе "
                    f"{s.class_name}, а здесь — в {r.class_name}: ученик учится в одном классе.")  # fmt: skip
            continue
        if r.rep is None:
            continue
        same = next(
            (p for p in s.reps if rules.name_key(p.full_name) == rules.name_key(r.rep.full_name)), None
        )
        if same is None:
            s.reps.append(r.rep)
            continue
        differs = [
            f.header
            for f, a, b in (
                (RELATION, same.relation.value, r.rep.relation.value),
                (PHONE, rules.phone_key(same.phone), rules.phone_key(r.rep.phone)),
                (EMAIL, same.email.casefold(), r.rep.email.casefold()),
                (ADDRESS, same.address, r.rep.address),
            )
            if a != b
        ]
        if differs:
            problem(r.line, REPRESENTATIVE, f"{r.rep.full_name} уже указан(а) представителем этого ученика в строке "
                    f"{same.line}, но с другими данными ({', '.join(f'«{h}»' for h in differs)}): оставьте одну "
                    "строку.")  # fmt: skip
    return list(by_key.values())


def _check_against_database(session: Session, students: Sequence[_Student], problem: Problem) -> None:
    """A child of the same name already studying in that class with another date of birth: the same child with
    another date (put it right in the card) or a namesake — the import does not guess, it asks."""
    keys = sorted({s.key[0] for s in students})
    existing: dict[tuple[str, str], list[tuple[str, dt.date]]] = {}
    for start in range(0, len(keys), 500):
        for key, birth, full_name, cls in session.execute(
            select(Student.name_key, Student.birth_date, Student.full_name, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.name_key.in_(keys[start : start + 500]), Student.studying.is_(True))
        ):
            existing.setdefault((key, cls), []).append((full_name, birth))
    in_file = {s.key for s in students}
    for s in students:
        for full_name, birth in existing.get((s.key[0], s.class_name), []):
            if birth != s.birth and (s.key[0], birth) not in in_file:
                problem(s.line, BIRTH, f"в классе {s.class_name} уже есть {full_name} с датой рождения "
                        f"{birth:%d.%m.%Y}, а в файле — {s.birth:%d.%m.%Y}. Если дата исправлена, исправьте её в "
                        "карточке ученика; если это другой ребёнок, проверьте ФИО.")  # fmt: skip


__all__ = ["IMPORT_FIELDS", "FamiliesExchange", "FamiliesImportResult"]
