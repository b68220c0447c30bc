"""Benchmark: 1 000 weekly paper reports in one batch through `render_weekly_reports`, against reportlab drawing the
same text with no app code around it — a minimal platypus document (landscape A4, the same margins, fonts, tables and
paragraphs) built directly from text prepared beforehand.

Not a pytest module (pytest does not collect `tests/benchmarks`). Run it as

    uv run python tests/benchmarks/bench_weekly.py [COUNT]

The reports (12 subjects, 1-3 entries on most days, absences, a final mark now and then) are drawn with a fixed seed.
Each side is timed as the best of 3 runs in the same process, after a warm-up; both PDFs must have one page per
report (checked with pdfinfo when it is installed). Prints both times, the ratio, and the verdict on the goal: at
most 1.5 times as long, and under 10 s.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop.domain.grades import Attendance, average, mark_value, russian_number
from desktop.printing.weekly_report import render_weekly_reports
from desktop.services.grades import Entry, SubjectLine, WeeklyReport

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
REPEATS = 3
GOAL_RATIO = 1.5
GOAL_SECONDS = 10.0
SUBJECTS = ("Русский язык", "Литература", "Математика", "История", "Обществознание", "География", "Биология",
            "Английский язык", "Физическая культура", "Информатика", "Музыка", "Труд (технология)")  # fmt: skip
SURNAMES = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков")
NAMES = ("Пётр", "Илья", "Глеб", "Андрей", "Максим", "Артём", "Кирилл", "Егор")
MONDAY = dt.date(2026, 11, 23)
DAYS = tuple(MONDAY + dt.timedelta(days=i) for i in range(6))


def make_reports(count: int) -> list[WeeklyReport]:
    rng = random.Random(7)
    reports = []
    for n in range(count):
        lines = []
        absences = dict.fromkeys(Attendance, 0)
        finals = []
        for subject in SUBJECTS:
            cells: dict[dt.date, list[Entry]] = {}
            for day in DAYS:
                if rng.random() < 0.45:
                    entries = []
                    for _ in range(rng.choice((1, 1, 1, 2, 3))):
                        if rng.random() < 0.1:
                            kind = rng.choice(list(Attendance))
                            absences[kind] += 1
                            entries.append(Entry("", kind.value, "", False))
                        else:
                            entries.append(Entry(rng.choice(("5", "4", "4", "3", "2", "5-", "4+")), "", "", False))
                    cells[day] = entries
            marks = [v for es in cells.values() for e in es if (v := mark_value(e.mark))]
            term = marks + [rng.randint(2, 5) for _ in range(6)]
            lines.append(SubjectLine(subject, cells, russian_number(average(marks)), russian_number(average(term))))
            if rng.random() < 0.01:
                finals.append((subject, "Четвертная", str(rng.randint(3, 5))))
        reports.append(
            WeeklyReport(
                school_name="Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная "
                "школа № 7 города Тюмени",
                school_short_name="МАОУ СОШ № 7", student_id=n + 1,
                student_name=f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Сергеевич {n}",
                class_name=f"{5 + n % 7}А", week_start=MONDAY, week_end=MONDAY + dt.timedelta(days=6), days=DAYS,
                subjects=tuple(lines), term_name="2 четверть", absences=absences, finals=tuple(finals),
                representatives=(), printed_on=MONDAY,
            )
        )  # fmt: skip
    return reports


# -- the baseline: plain reportlab, text prepared beforehand ----------------------------------------------------------

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


def prepare_text(reports: list[WeeklyReport]) -> list[tuple[list[str], list[list[str]], list[str]]]:
    """Per report: the paragraphs before the table, the table's rows, the paragraphs after (not timed)."""
    out = []
    for r in reports:
        head = [escape(r.school_name), "Сведения об успеваемости и посещаемости",
                escape(f"Ученик: {r.student_name}, класс {r.class_name}"),
                f"За неделю с {r.week_start:%d.%m.%Y} по {r.week_end:%d.%m.%Y}"]  # fmt: skip
        rows = [["Предмет", *(f"{WEEKDAYS[d.weekday()]} {d:%d.%m}" for d in r.days), "Среднее\nза неделю",
                 "Прогноз\n(четверть)"]]  # fmt: skip
        for line in r.subjects:
            rows.append([line.subject, *(", ".join(e.text for e in line.cells.get(d, ())) for d in r.days),
                         line.week_average, line.term_average])  # fmt: skip
        tail = ["Пропуски: " + escape(", ".join(f"{k.value} ({k.label}) — {r.absences[k]}" for k in Attendance))]
        if r.finals:
            tail.append("Итоговые отметки недели: " + escape("; ".join(f"{s}, {w} — {m}" for s, w, m in r.finals)))
        tail.append(
            f"Прогноз (четверть) — средний балл текущих отметок по предмету с начала четверти ({r.term_name}) по "
            f"{r.week_end:%d.%m.%Y}; это ожидаемая, а не выставленная отметка: итоговую отметку выставляет учитель. "
            "«—» — отметок пока нет."
        )
        tail.append("Получил(а): ______________________ (ФИО представителя) ______________ (подпись) «___» "
                    "______________ 20___ г.")  # fmt: skip
        tail.append(f"Дата печати: {r.printed_on:%d.%m.%Y}")
        out.append((head, rows, tail))
    return out


def baseline(prepared: list[tuple[list[str], list[list[str]], list[str]]], path: Path) -> None:
    fonts = ROOT / "resources" / "fonts"
    for name in ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSans", "DejaVuSans-Bold"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts / f"{name}.ttf")))
    body = ParagraphStyle("b", fontName="DejaVuSerif", fontSize=12, leading=15)
    center = ParagraphStyle("c", parent=body, fontSize=11, leading=13.5, alignment=TA_CENTER)
    title = ParagraphStyle("t", parent=body, fontName="DejaVuSerif-Bold", fontSize=14, leading=17, alignment=TA_CENTER)
    note = ParagraphStyle("n", parent=body, fontName="DejaVuSerif-Italic", fontSize=9, leading=11)
    width = landscape(A4)[0] - 40 * mm
    raw = [74.0, *[(width / mm - 122) / 6] * 6, 24.0, 24.0]
    widths = [w * mm * width / (sum(raw) * mm) for w in raw]
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), "DejaVuSans", 10, 11.5), ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 10, 11.5),
        ("FONT", (-2, 1), (-1, -1), "DejaVuSans-Bold", 10, 11.5), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECEF")), ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ])  # fmt: skip
    story = []
    for i, (head, rows, tail) in enumerate(prepared):
        if i:
            story.append(PageBreak())
        story += [Paragraph(head[0], center), Paragraph(head[1], title), Paragraph(head[2], body),
                  Paragraph(head[3], body), Spacer(1, 2 * mm), Table(rows, colWidths=widths, style=style),
                  Spacer(1, 3 * mm)]  # fmt: skip
        story += [Paragraph(t, note if t.startswith("Прогноз") else body) for t in tail]
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=30 * mm, rightMargin=10 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)  # fmt: skip
    doc.build(story)


# -- timing -----------------------------------------------------------------------------------------------------------


def best_of(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pages(path: Path) -> int | None:
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> int:
    reports = make_reports(COUNT)
    prepared = prepare_text(reports)
    with tempfile.TemporaryDirectory() as tmp:
        app_pdf, base_pdf = Path(tmp) / "app.pdf", Path(tmp) / "base.pdf"
        render_weekly_reports(reports[:20], app_pdf)  # warm up: fonts, template, imports
        baseline(prepared[:20], base_pdf)
        app = best_of(lambda: render_weekly_reports(reports, app_pdf))
        base = best_of(lambda: baseline(prepared, base_pdf))
        app_pages, base_pages = pages(app_pdf), pages(base_pdf)
    print(f"{COUNT} weekly reports, best of {REPEATS}:")
    print(f"  render_weekly_reports: {app:6.2f} s  ({app_pages} pages)")
    print(f"  plain reportlab:       {base:6.2f} s  ({base_pages} pages)")
    ratio = app / base
    print(f"  ratio: {ratio:.2f} (goal ≤ {GOAL_RATIO}); app time {'under' if app < GOAL_SECONDS else 'OVER'} "
          f"{GOAL_SECONDS:.0f} s")  # fmt: skip
    ok = ratio <= GOAL_RATIO and app < GOAL_SECONDS
    print("  goal met" if ok else "  goal NOT met")
    if app_pages is not None and app_pages != COUNT:
        print(f"  ERROR: {app_pages} pages for {COUNT} reports")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
