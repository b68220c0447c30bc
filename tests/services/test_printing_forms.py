"""The paper forms of e-journal access and opting out (issue 6, item 6): each rendered filled and blank to a PDF
whose text (as pdftotext extracts it) has the seed's wording and the people, the blank one lines instead; the
margins of GOST R 7.0.97-2016; the notice letter still uses the shared engine."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from desktop.domain.families import CodeState, Handover, RefusalGround, Relation
from desktop.printing.families_forms import (
    AccessApplication,
    AccessSlip,
    CodeRow,
    CodesRegister,
    OptOutApplication,
    RefusalDecision,
    Representative,
    School,
    mask_code,
    render_access_application,
    render_access_refusal,
    render_access_slip,
    render_appendix2,
    render_appendix3,
    render_codes_register,
)
from desktop.printing.forms import GOST_MARGINS, FormError, fill, load_template, surname_initials

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")

SCHOOL = School(
    short_name="МАОУ СОШ № 7 г. Тюмени",
    director_name="Соколова Елена Викторовна",
    name="Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 7",
    ejournal_name="Сетевой город. Образование",
    ejournal_url="https://sgo.example.ru",
)
MOTHER = Representative(
    "Иванова Мария Петровна", "625000, г. Тюмень, ул. Республики, д. 15, кв. 42", Relation.MOTHER,
    "+7 912 345-67-89", "ivanova@example.ru",
)
FATHER = Representative("Иванов Сергей Николаевич", "625000, г. Тюмень, ул. Республики, д. 15, кв. 42", Relation.FATHER)
CHILD = "Иванов Алексей Сергеевич"


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def words_x(path: Path) -> list[float]:
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [float(x) for x in re.findall(r'<word xMin="([\d.]+)"', html)]


def pages(path: Path) -> int:
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return html.count("<page ")


def assert_within_margins(path: Path, width_pt: float = 595.28) -> None:
    xs = words_x(path)
    assert xs
    left = min(xs)
    assert left == pytest.approx(GOST_MARGINS.left, abs=1.0), f"text starts at {left / mm:.1f} mm"


APPENDIX2 = (
    "Приложение № 2 к Регламенту предоставления услуги «Электронный дневник»",
    "Прошу (просим) не предоставлять мне (нам) услугу по доступу к сервису \"Электронный журнал/дневник\", "
    "входящему в информационную систему школы, для получения информации об успеваемости, посещаемости, учебных "
    "достижениях несовершеннолетнего ребенка (дочери, сына)",
)
APPENDIX3 = (
    "Приложение № 3 к Регламенту предоставления услуги «Электронный дневник»",
    "Прошу (просим) отменить предоставление мне (нам) информации об успеваемости, посещаемости, учебных "
    "достижениях несовершеннолетнего ребенка (дочери / сына)",
    "через сервис \"Электронный журнал/дневник\", входящего в информационную систему школы.",
)


@pytest.mark.parametrize("render, wording", [(render_appendix2, APPENDIX2), (render_appendix3, APPENDIX3)])
def test_appendix_filled_has_the_seeds_wording_the_school_the_director_both_parents_and_the_child(
    tmp_path, render, wording
):
    path = render(OptOutApplication(SCHOOL, CHILD, "5А", (MOTHER, FATHER)), tmp_path / "a.pdf")
    text = text_of(path)
    for phrase in wording:
        assert phrase in text
    assert "Директору МАОУ СОШ № 7 г. Тюмени Соколова Е.В." in text
    assert "Заявление." in text
    assert "обучающегося МАОУ СОШ № 7 г. Тюмени" in text
    assert "проживающего (-ей):" in text and "ул. Республики, д. 15, кв. 42" in text
    assert CHILD in text and "5А" in text
    # In the «от» line and in the signature blocks (the «от» line may wrap a name).
    assert text.count("Иванова Мария Петровна") >= 2 and "Иванов Сергей Николаевич" in text
    assert text.count("Сергей Николаевич") >= 2
    assert text.count("Родитель") == 2 and text.count("Подпись") == 2 and text.count("Дата «") == 2
    assert pages(path) == 1
    assert_within_margins(path)


@pytest.mark.parametrize("render", [render_appendix2, render_appendix3])
def test_appendix_blank_has_lines_instead_of_the_people_but_keeps_school_and_director(tmp_path, render):
    path = render(OptOutApplication(SCHOOL, CHILD, "5А", (MOTHER, FATHER), blank=True), tmp_path / "b.pdf")
    text = text_of(path)
    assert "Директору МАОУ СОШ № 7 г. Тюмени Соколова Е.В." in text
    assert "Иванов" not in text and "Республики" not in text
    assert re.search(r"от _{20,}", text)
    assert re.search(r"Родитель _{20,}", text)
    assert "фамилия, имя, отчество заявителя (заявителей)" in text
    assert "Фамилия, имя, отчество ребенка" in text
    assert pages(path) == 1


def test_a_single_representative_leaves_the_second_parent_to_write_by_hand(tmp_path):
    text = text_of(render_appendix2(OptOutApplication(SCHOOL, CHILD, "5А", (MOTHER,)), tmp_path / "c.pdf"))
    assert "Иванова Мария Петровна" in text and "Иванов Сергей" not in text
    assert re.search(r"Родитель _{20,}", text)


def test_access_application_names_the_representative_the_child_and_the_consent(tmp_path):
    path = render_access_application(AccessApplication(SCHOOL, MOTHER, CHILD, "5А"), tmp_path / "app.pdf")
    text = text_of(path)
    for part in ("Приложение 1", "Соколова Е.В.", "Иванова Мария Петровна", "мать", "+7 912 345-67-89",
                 "ivanova@example.ru", CHILD, "5А", "152-ФЗ", "☐", "Сетевой город. Образование", "Иванова М.П."):
        assert part in text
    assert pages(path) == 1
    assert_within_margins(path)
    blank = text_of(render_access_application(AccessApplication(SCHOOL, blank=True), tmp_path / "app_b.pdf"))
    assert "Иванов" not in blank and "мать" not in blank.split("Я прихожусь")[1][:40]
    assert re.search(r"от _{20,}", blank) and "☐" in blank


def test_access_slip_has_two_identical_halves_with_a_cut_line_and_the_code(tmp_path):
    slip = AccessSlip(SCHOOL, CHILD, "5А", "Иванова Мария Петровна", "K7QM-4XTP", "секретарь Петрова А.А.",
                      dt.date(2026, 9, 3), "12")
    path = render_access_slip(slip, tmp_path / "slip.pdf")
    text = text_of(path)
    assert text.count("K7QM-4XTP") == 2 and text.count(CHILD) == 2
    assert text.count("Код получил(а)") == 2 and text.count("03.09.2026") == 2
    assert "Экземпляр школы" in text and "Экземпляр семьи" in text
    assert "✂" in text and "линия отреза" in text
    assert "https://sgo.example.ru" in text and "Сетевой город. Образование" in text
    assert text.index("Экземпляр школы") < text.index("✂") < text.index("Экземпляр семьи")
    assert pages(path) == 1
    blank = text_of(render_access_slip(AccessSlip(SCHOOL, blank=True), tmp_path / "slip_b.pdf"))
    assert "K7QM" not in blank and "Иванов" not in blank and re.search(r"Ученик: _{10,}", blank)


def test_refusal_decision_lists_the_grounds_and_is_signed_by_the_director(tmp_path):
    decision = RefusalDecision(
        SCHOOL, "ОТК-2026/0001", dt.date(2026, 9, 4), "Иванова Мария Петровна", CHILD, "5А",
        (RefusalGround.NO_CONSENT,), "согласие не представлено", dt.date(2026, 9, 1),
    )
    path = render_access_refusal(decision, tmp_path / "r.pdf")
    text = text_of(path)
    assert "Решение об отказе в предоставлении услуги «Электронный журнал»" in text
    assert "№ ОТК-2026/0001 от 04.09.2026" in text and "01.09.2026" in text
    assert RefusalGround.NO_CONSENT.label in text and RefusalGround.NOT_STUDENT.label not in text
    assert "согласие не представлено" in text
    assert "Директор" in text and "Е. В. Соколова" in text
    assert "Иванова Мария Петровна" in text and CHILD in text
    assert_within_margins(path)
    blank = text_of(render_access_refusal(RefusalDecision(SCHOOL, blank=True), tmp_path / "r_b.pdf"))
    assert all(" ".join(g.label.split()[:3]) in blank for g in RefusalGround)
    assert blank.count("☐") == len(RefusalGround)
    assert "Иванов" not in blank and "Е. В. Соколова" in blank


def test_register_masks_codes_unless_asked_and_shows_the_same_code_as_the_slip(tmp_path):
    rows = (
        CodeRow("1", dt.date(2026, 9, 3), CHILD, "5А", "Иванова Мария Петровна", "K7QM-4XTP",
                Handover.PERSONALLY, "Петрова А.А."),
        CodeRow("2", dt.date(2026, 9, 4), "Петров Пётр Петрович", "5А", "Петрова Ольга Ивановна", "ZZZZ-2345",
                Handover.CLASS_TEACHER, "Петрова А.А.", CodeState.REVOKED),
    )
    masked = text_of(render_codes_register(CodesRegister(SCHOOL, "класс 5А", rows), tmp_path / "m.pdf"))
    assert "K7QM-****" in masked and "4XTP" not in masked
    assert "классного" in masked and "отозван" in masked and "Подпись в получении" in masked
    full = text_of(render_codes_register(CodesRegister(SCHOOL, "класс 5А", rows, full_codes=True), tmp_path / "f.pdf"))
    assert "K7QM-4XTP" in full and CHILD in full
    assert mask_code("K7QM-4XTP") == "K7QM-****" and mask_code("ABCDEFG") == "ABCD***"
    blank = render_codes_register(CodesRegister(SCHOOL, "класс 5А", blank_rows=10), tmp_path / "b.pdf")
    assert "Журнал выдачи кодов регистрации" in text_of(blank)


def test_a_placeholder_without_a_value_is_a_clear_error_naming_the_template_and_the_field(tmp_path):
    with pytest.raises(FormError, match=r"«appendix2\.txt».*\{ребёнок\}"):
        fill("для {ребёнок}", {}, template="appendix2.txt")
    broken = tmp_path / "appendix2.txt"
    original = Path(__file__).resolve().parents[2] / "forms" / "appendix2.txt"
    broken.write_text(
        original.read_text(encoding="utf-8").replace("{класс|класс}", "{класс_ученика|класс}"), encoding="utf-8"
    )
    with pytest.raises(FormError, match=r"класс_ученика"):
        render_appendix2(OptOutApplication(SCHOOL, CHILD, "5А", (MOTHER,)), tmp_path / "x.pdf", template=broken)
    assert not list(tmp_path.glob("*.pdf*"))


def test_templates_are_editable_files_with_comments_and_sections():
    for name in ("appendix2", "appendix3", "access_application", "access_slip", "access_refusal"):
        template = load_template(name)
        assert "текст" in template.sections
        assert not any(line.lstrip().startswith("#") for text in template.sections.values() for line in text.splitlines())
    assert surname_initials("Супрун Ирина Евгеньевна") == "Супрун И.Е."
