"""The period summary as an Excel workbook people read and print: «Сводка» with the key figures first, then a sheet
per area (appeals, tickets, support requests, paper reports), each a few small titled tables with a bold header and,
where a picture says it better, a native Excel chart. Numbers are numbers, shares are fractions shown as percentages,
months are real dates. A period with no data is a valid workbook that says so.

The labels in column A and the table titles are a contract: the hand-counted tests and the people who file the
workbook find the figures by them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from desktop.domain import appeals as ap
from desktop.domain import support as sp
from desktop.domain import tickets as tk
from desktop.domain.reports import PeriodSummary, SupportOutcome
from desktop.domain.russian import short_date
from desktop.reports.workbook import HEADER_BORDER, HEADER_FILL

# -- the contract: sheet names, titles, labels -----------------------------------------------------------------------

SHEET_SUMMARY = "Сводка"
SHEET_APPEALS = "Обращения"
SHEET_TICKETS = "Заявки"
SHEET_SUPPORT = "Поддержка ЭПОС"
SHEET_PAPER = "Отчёты на бумаге"

NO_DATA = "За период нет данных."
NO_APPEALS = "За период обращений не зарегистрировано."
NO_TICKETS = "За период заявок по инициативам не подано."
NO_SUPPORT = "За период запросов в поддержку ЭПОС не поступало."
NO_PAPER_REPORTS = "За период еженедельных отчётов к вручению не было."
NO_AGENTS = "Исполнители заявкам периода не назначены."

SHARE_FORMAT = "0%"
DAYS_FORMAT = "0.0"
MONTH_FORMAT = "MM.YYYY"
NO_CHANNEL = "не указан"
TOTAL = "Всего"

# key figures (the «Сводка» table «Показатель | Значение | Доля | Пояснение»)
K_APPEALS = "Обращений зарегистрировано"
K_ANSWERED = "Ответ дан"
K_ON_TIME = "Из них в срок"
K_FORWARDED = "Передано в СУИ"
K_OPEN = "Ещё без ответа"
K_AVERAGE = "Средний срок ответа, рабочих дней"
K_LONGEST = "Самый долгий ответ, рабочих дней"
K_REPEATS = "Повторных обращений"
K_NOTICES = "Уведомлений в Департамент (5-е и следующие повторы)"
K_TICKETS = "Заявок по инициативам"
K_SUBMITTED = "Подано в срок"
K_HANDLED = "С известным сроком отчёта исполнителя"
K_HANDLED_ON_TIME = "Исполнено в срок (взято в работу не позже срока отчёта)"
K_SUPPORT = "Запросов в поддержку ЭПОС"
K_STP = "Направлено в СТП"
K_FAMILIES = "Семей на бумажных отчётах"
K_REPORTS = "Еженедельных отчётов к вручению"
K_HANDED = "Вручено в срок"
K_HANDED_LATE = "Вручено с опозданием"
K_NOT_HANDED = "Не вручено"

T_KEY = "Основные показатели"
T_APPEALS_TOTALS = "Обращения: итоги"
T_RUBRIC = "Обращения по рубрикам"
T_CHANNEL = "Обращения по каналам поступления"
T_ANSWER_LEVEL = "Ответы по уровням"
T_LEVELS = "Соблюдение сроков по уровням"
T_TIMES = "Срок ответа"
T_REPEATS = "Повторные обращения"
T_MONTHS = "Доля ответов в срок по месяцам регистрации"
T_TICKETS_TOTALS = "Заявки: итоги"
T_CATEGORY = "Заявки по категориям"
T_STATUS = "Заявки по статусам"
T_AGENTS = "Заявки по исполнителям"
T_SUPPORT_TOTALS = "Запросы: итоги"
T_OUTCOME = "Запросы по результату"
T_ROLE = "Запросы по ролям пользователей"
T_PAPER_TOTALS = "Бумажные отчёты: итоги"
T_HANDING = "Вручение еженедельных отчётов"

KEY_HEADERS = ("Показатель", "Значение", "Доля", "Пояснение")
LEVEL_HEADERS = (
    "Уровень",
    "Дошло до уровня",
    "Решено в срок",
    "Решено с опозданием",
    "Передано выше по истечении срока",
    "Ещё в работе, срок не истёк",
    "Срок истёк, без ответа",
    "Доля в срок",
)
AGENT_HEADERS = ("Исполнитель", "Заявок", "Исполнено", "С известным сроком отчёта", "В срок", "Доля в срок")

CHART_WIDTH_CM = 16.0
CHART_HEIGHT_CM = 7.5
CHART_ROWS = 16  # rows a chart below a table takes (default row height ≈ 0.53 cm)
MAX_WIDTH = 60
ROW_HEIGHT = 15.0  # points, the default
#: A landscape A4 page inside openpyxl's default margins (0.75" left and right, 1" top and bottom), in cm, and the
#: default rows it holds at 100 %; a sheet fitted to the width holds more. A table with its chart that would cross a
#: page's end starts a new page instead of being cut in two.
PAGE_WIDTH_CM = 29.7 - 2 * 1.905
PAGE_ROWS = int((21.0 - 2 * 2.54) / (ROW_HEIGHT / 72 * 2.54))
TITLE_ROWS = 3  # the repeated title rows and a margin of error


def _font(*, bold: bool = False, size: float = 11) -> Font:
    return Font(name="Calibri", bold=bold, size=size)


def write_summary_workbook(
    path: Path, summary: PeriodSummary, *, progress: Callable[[int], None] | None = None
) -> None:
    """Write the summary workbook to `path` atomically (`<name>.part`, then replaced): never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    _summary_sheet(_Sheet(wb.active, SHEET_SUMMARY), summary)
    _appeals_sheet(_Sheet(wb.create_sheet(SHEET_APPEALS), SHEET_APPEALS), summary)
    _tickets_sheet(_Sheet(wb.create_sheet(SHEET_TICKETS), SHEET_TICKETS), summary)
    _support_sheet(_Sheet(wb.create_sheet(SHEET_SUPPORT), SHEET_SUPPORT), summary)
    _paper_sheet(_Sheet(wb.create_sheet(SHEET_PAPER), SHEET_PAPER), summary)
    partial = path.with_name(path.name + ".part")
    try:
        wb.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(records(summary))


def records(summary: PeriodSummary) -> int:
    """How many records the summary counts (appeals, tickets, support requests, weekly reports)."""
    return summary.appeals.total + summary.tickets.total + summary.support.total + summary.paper.reports


def period_words(summary: PeriodSummary) -> str:
    """«Период: с 01.09.2026 по 30.11.2026»; an open end is the start of the records or the day it was made."""
    if not (summary.date_from or summary.date_to):
        return "Период: всё время"
    start = short_date(summary.date_from) if summary.date_from else "начала учёта"
    end = short_date(summary.date_to or summary.made_at.date())
    return f"Период: с {start} по {end}"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- a sheet of small tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Where a written table is: its header row, its first and last data rows, its width in columns."""

    header_row: int
    first: int
    last: int
    columns: int

    @property
    def ref(self) -> str:
        return f"A{self.header_row}:{get_column_letter(self.columns)}{max(self.last, self.header_row)}"


class _Sheet:
    """Writes lines and tables down one sheet, keeping the widest value of each column to fit the widths."""

    def __init__(self, ws: Worksheet, name: str) -> None:
        ws.title = name
        self.ws = ws
        self.row = 1
        self.widths: dict[int, float] = {}
        self.filtered = False
        self.blocks: list[tuple[int, int]] = []  # (first row, rows) of each table with its chart
        self.headers: list[int] = []

    def line(self, text: str, *, bold: bool = False, size: float | None = None) -> int:
        cell = self.ws.cell(self.row, 1, text)
        if bold or size:
            cell.font = _font(bold=bold, size=size or 11)
        self.row += 1
        return cell.row

    def gap(self, rows: int = 1) -> None:
        self.row += rows

    def heading(self, school: str, title: str, summary: PeriodSummary) -> None:
        self.line(f"{title} — {school}" if school else title, bold=True, size=14)
        self.line(period_words(summary))

    def table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        formats: dict[int, str] | None = None,
        total: Sequence[object] | None = None,
        chart: bool = False,
    ) -> Table:
        """A bold title, the header, the rows (and a bold total row, kept out of the returned data range); a table
        (with the chart that follows it) that would cross the page's end starts a new page."""
        formats = formats or {}
        self.blocks.append((self.row, 3 + len(rows) + (total is not None) + (CHART_ROWS if chart else 0)))
        self.line(title, bold=True, size=12)
        header_row = self.row
        self.headers.append(header_row)
        for col, text in enumerate(headers, start=1):
            cell = self.ws.cell(header_row, col, text)
            cell.font = _font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            self._fit(col, min(len(text), 16))
        self.row += 1
        for values in rows:
            self._row(values, formats)
        last = self.row - 1
        if total is not None:
            for cell in self._row(total, formats):
                cell.font = _font(bold=True)
        self.row += 1
        return Table(header_row, header_row + 1, last, len(headers))

    def _row(self, values: Sequence[object], formats: dict[int, str]) -> list:
        cells = []
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(self.row, col, value)
            fmt = formats.get(col)
            if fmt and isinstance(value, (int, float, dt.date)):
                cell.number_format = fmt
            if isinstance(value, str):
                self._fit(col, len(value))
                if len(value) > MAX_WIDTH:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif value is not None:
                self._fit(col, 8)
            cells.append(cell)
        self.row += 1
        return cells

    def _fit(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), width)

    def chart(self, chart: BarChart | PieChart) -> None:
        """Place a chart below the last table, in the rows reserved for it."""
        chart.width = CHART_WIDTH_CM
        chart.height = CHART_HEIGHT_CM
        self.ws.add_chart(chart, f"A{self.row}")
        self.row += CHART_ROWS

    def filter(self, table: Table) -> None:
        """The sheet's one auto filter, on its main table."""
        if not self.filtered and table.last >= table.first:
            self.ws.auto_filter.ref = table.ref
            self.filtered = True

    def _page_breaks(self, widths: dict[int, float]) -> None:
        """Break pages between the tables so that none (with its chart) is cut in two, where it fits on a page."""
        width_cm = max(sum((w * 7 + 5) / 96 * 2.54 for w in widths.values()), CHART_WIDTH_CM + 0.5)
        scale = min(1.0, PAGE_WIDTH_CM / width_cm)
        room = int(PAGE_ROWS / scale) - TITLE_ROWS
        page_start = 1
        for start, rows in self.blocks:
            if start > page_start and start - page_start + rows > room:
                self.ws.row_breaks.append(Break(id=start - 1))
                page_start = start

    def finish(self, *, freeze_row: int, print_rows: str) -> None:
        ws = self.ws
        widths = {col: min(width + 2, MAX_WIDTH + 2) for col, width in self.widths.items()}
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for row in self.headers:  # a wrapped header gets the lines it needs
            lines = max(
                -(-len(str(cell.value)) // max(int(widths.get(cell.column, 10)) - 2, 1))
                for cell in ws[row]
                if cell.value is not None
            )
            if lines > 1:
                ws.row_dimensions[row].height = ROW_HEIGHT * lines
        self._page_breaks(widths)
        ws.freeze_panes = f"A{freeze_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = print_rows


# -- charts ----------------------------------------------------------------------------------------------------------


def _labels(*, value: bool = False, percent: bool = False, number_format: str | None = None) -> DataLabelList:
    """Data labels that show only the value (or the percentage): the category is on the axis or in the legend."""
    labels = DataLabelList()
    labels.showVal = value
    labels.showPercent = percent
    labels.showCatName = False
    labels.showSerName = False
    labels.showLegendKey = False
    labels.showLeaderLines = False
    if number_format:
        labels.numFmt = number_format
    return labels


def _refs(ws: Worksheet, table: Table, value_col: int) -> tuple[Reference, Reference]:
    data = Reference(ws, min_col=value_col, min_row=table.header_row, max_row=table.last)
    cats = Reference(ws, min_col=1, min_row=table.first, max_row=table.last)
    return data, cats


def bar_chart(
    ws: Worksheet, title: str, table: Table, value_col: int = 2, *, percent: bool = False
) -> BarChart:
    """Horizontal bars, the first row on top (long labels read well on the left)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    data, cats = _refs(ws, table, value_col)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # the table's order, top down
    chart.y_axis.crosses = "max"  # keeps the value axis at the bottom
    chart.y_axis.majorGridlines = None
    chart.dataLabels = _labels(value=True, number_format=SHARE_FORMAT if percent else None)
    if percent:
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.majorUnit = 0.25
        chart.y_axis.number_format = SHARE_FORMAT
    return chart


def column_chart(
    ws: Worksheet, title: str, table: Table, value_col: int, *, percent: bool = False
) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    data, cats = _refs(ws, table, value_col)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.number_format = MONTH_FORMAT
    chart.dataLabels = _labels(value=True, number_format=SHARE_FORMAT if percent else None)
    if percent:
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.majorUnit = 0.25
        chart.y_axis.number_format = SHARE_FORMAT
    return chart


def pie_chart(ws: Worksheet, title: str, table: Table, value_col: int = 2) -> PieChart:
    chart = PieChart()
    chart.title = title
    data, cats = _refs(ws, table, value_col)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.dataLabels = _labels(percent=True)
    chart.legend.position = "r"
    return chart


# -- the sheets ------------------------------------------------------------------------------------------------------


def key_figures(summary: PeriodSummary) -> list[tuple[str, object, float | None, str]]:
    """The «Сводка» rows: (label, value, share or None, explanation)."""
    a, t, s, p = summary.appeals, summary.tickets, summary.support, summary.paper
    times = a.times
    return [
        (K_APPEALS, a.total, None, ""),
        (K_ANSWERED, a.finished, share(a.finished, a.total), "доля от зарегистрированных"),
        (
            K_ON_TIME,
            a.on_time,
            share(a.on_time, a.finished),
            "доля от данных ответов: ни один срок не пропущен",
        ),
        (K_FORWARDED, a.forwarded, share(a.forwarded, a.total), "«Вне компетенции»"),
        (K_OPEN, a.still_open, share(a.still_open, a.total), "доля от зарегистрированных"),
        (K_AVERAGE, times.average, None, f"по {times.count} ответам" if times.count else "ответов нет"),
        (K_LONGEST, times.longest, None, f"обращение {times.longest_number}" if times.longest_number else ""),
        (K_REPEATS, a.repeats, share(a.repeats, a.total), "доля от зарегистрированных"),
        (K_NOTICES, a.notices, None, ""),
        (K_TICKETS, t.total, None, ""),
        (K_SUBMITTED, t.submitted_on_time, share(t.submitted_on_time, t.total), "доля от поданных"),
        (K_HANDLED, t.handled, None, "работа организована или срок отчёта прошёл"),
        (
            K_HANDLED_ON_TIME,
            t.handled_on_time,
            share(t.handled_on_time, t.handled),
            "доля от заявок с известным сроком отчёта",
        ),
        (K_SUPPORT, s.total, None, ""),
        (K_STP, s.sent_to_stp, share(s.sent_to_stp, s.total), "доля от запросов"),
        (K_FAMILIES, p.families_on_paper, None, "на конец периода"),
        (K_REPORTS, p.reports, None, ""),
        (K_HANDED, p.handed_on_time, share(p.handed_on_time, p.reports), "доля от отчётов к вручению"),
        (K_HANDED_LATE, p.handed_late, share(p.handed_late, p.reports), "доля от отчётов к вручению"),
        (K_NOT_HANDED, p.not_handed, share(p.not_handed, p.reports), "доля от отчётов к вручению"),
    ]


def _summary_sheet(sh: _Sheet, summary: PeriodSummary) -> None:
    title = "Сводный отчёт за период"
    sh.line(f"{title} — {summary.school}" if summary.school else title, bold=True, size=14)
    sh.line(period_words(summary))
    sh.line(f"Выгрузил: {summary.made_by}, {summary.made_at:%d.%m.%Y %H:%M}")
    for note in summary.notes:
        sh.line(note)
    if summary.empty:
        sh.line(NO_DATA, bold=True)
    sh.gap()
    table = sh.table(T_KEY, KEY_HEADERS, key_figures(summary), formats={3: SHARE_FORMAT})
    for row in range(table.first, table.last + 1):  # whole numbers as such, the average with one decimal
        cell = sh.ws.cell(row, 2)
        if isinstance(cell.value, (int, float)):
            cell.number_format = DAYS_FORMAT if isinstance(cell.value, float) else "0"
    sh.filter(table)
    sh.finish(freeze_row=table.header_row + 1, print_rows=f"{table.header_row}:{table.header_row}")


def _totals(sh: _Sheet, title: str, rows: list[tuple[str, object, float | None]]) -> Table:
    return sh.table(title, ("Показатель", "Значение", "Доля"), rows, formats={2: "0", 3: SHARE_FORMAT})


def _appeals_sheet(sh: _Sheet, summary: PeriodSummary) -> None:
    a = summary.appeals
    sh.heading(summary.school, "Обращения", summary)
    sh.gap()
    if not a.total:
        sh.line(NO_APPEALS, bold=True)
        sh.finish(freeze_row=3, print_rows="1:2")
        return
    ws = sh.ws
    _totals(
        sh,
        T_APPEALS_TOTALS,
        [
            (K_APPEALS, a.total, None),
            (K_ANSWERED, a.finished, share(a.finished, a.total)),
            (K_ON_TIME, a.on_time, share(a.on_time, a.finished)),
            (K_FORWARDED, a.forwarded, share(a.forwarded, a.total)),
            (K_OPEN, a.still_open, share(a.still_open, a.total)),
        ],
    )
    rubric = sh.table(
        T_RUBRIC,
        ("Рубрика", "Обращений"),
        [(r.label, a.by_rubric.get(r, 0)) for r in ap.Rubric],
        total=(TOTAL, a.total),
        chart=True,
    )
    sh.chart(pie_chart(ws, T_RUBRIC, rubric))
    channels: list[tuple[str, int]] = [(c.label, a.by_channel.get(c, 0)) for c in ap.Channel]
    if a.by_channel.get(None):
        channels.append((NO_CHANNEL, a.by_channel[None]))
    channel = sh.table(
        T_CHANNEL, ("Канал поступления", "Обращений"), channels, total=(TOTAL, a.total), chart=True
    )
    sh.chart(bar_chart(ws, T_CHANNEL, channel))
    levels_in_order = sorted(ap.Level, key=lambda lv: lv.rank)
    sh.table(
        T_ANSWER_LEVEL,
        ("Уровень", "Ответов"),
        [(lv.label, a.by_answer_level.get(lv, 0)) for lv in levels_in_order],
        total=(TOTAL, sum(a.by_answer_level.values())),
    )
    levels = sh.table(
        T_LEVELS,
        LEVEL_HEADERS,
        [
            (
                lt.level.label,
                lt.reached,
                lt.on_time,
                lt.late,
                lt.escalated,
                lt.open_in_term,
                lt.open_overdue,
                lt.share_on_time,
            )
            for lt in a.levels
        ],
        formats={8: SHARE_FORMAT},
        chart=any(lt.share_on_time is not None for lt in a.levels),
    )
    sh.filter(levels)
    if any(lt.share_on_time is not None for lt in a.levels):
        sh.chart(bar_chart(ws, "Доля решённых в срок по уровням", levels, 8, percent=True))
    times = a.times
    sh.table(
        T_TIMES,
        ("Ответов", "Среднее, р.д.", "Самый долгий, р.д.", "Обращение"),
        [(times.count, times.average, times.longest, times.longest_number or None)],
        formats={2: DAYS_FORMAT},
    )
    _totals(
        sh,
        T_REPEATS,
        [(K_REPEATS, a.repeats, share(a.repeats, a.total)), (K_NOTICES, a.notices, None)],
    )
    if a.months:
        months = sh.table(
            T_MONTHS,
            ("Месяц", "Завершено", "В срок", "Доля в срок"),
            [(m.month, m.finished, m.on_time, m.share) for m in a.months],
            formats={1: MONTH_FORMAT, 4: SHARE_FORMAT},
            chart=True,
        )
        sh.chart(column_chart(ws, "Доля ответов в срок по месяцам", months, 4, percent=True))
    sh.finish(freeze_row=3, print_rows="1:2")


def _tickets_sheet(sh: _Sheet, summary: PeriodSummary) -> None:
    t = summary.tickets
    sh.heading(summary.school, "Заявки по инициативам", summary)
    sh.gap()
    if not t.total:
        sh.line(NO_TICKETS, bold=True)
        sh.finish(freeze_row=3, print_rows="1:2")
        return
    ws = sh.ws
    _totals(
        sh,
        T_TICKETS_TOTALS,
        [
            (K_TICKETS, t.total, None),
            (K_SUBMITTED, t.submitted_on_time, share(t.submitted_on_time, t.total)),
            (K_HANDLED, t.handled, None),
            (K_HANDLED_ON_TIME, t.handled_on_time, share(t.handled_on_time, t.handled)),
        ],
    )
    category = sh.table(
        T_CATEGORY,
        ("Категория", "Заявок"),
        [(c.label, t.by_category.get(c, 0)) for c in tk.Category],
        total=(TOTAL, t.total),
        chart=True,
    )
    sh.chart(bar_chart(ws, T_CATEGORY, category))
    sh.table(
        T_STATUS,
        ("Статус", "Заявок"),
        [(s.label, t.by_status.get(s, 0)) for s in tk.Status],
        total=(TOTAL, t.total),
    )
    if t.agents:
        agents = sh.table(
            T_AGENTS,
            AGENT_HEADERS,
            [
                (g.agent, g.total, g.done, g.handled, g.handled_on_time, share(g.handled_on_time, g.handled))
                for g in t.agents
            ],
            formats={6: SHARE_FORMAT},
        )
        sh.filter(agents)
    else:
        sh.line(T_AGENTS, bold=True, size=12)
        sh.line(NO_AGENTS)
        sh.filter(category)
    sh.finish(freeze_row=3, print_rows="1:2")


def _support_sheet(sh: _Sheet, summary: PeriodSummary) -> None:
    s = summary.support
    sh.heading(summary.school, "Запросы в поддержку ЭПОС", summary)
    sh.gap()
    if not s.total:
        sh.line(NO_SUPPORT, bold=True)
        sh.finish(freeze_row=3, print_rows="1:2")
        return
    ws = sh.ws
    _totals(
        sh,
        T_SUPPORT_TOTALS,
        [(K_SUPPORT, s.total, None), (K_STP, s.sent_to_stp, share(s.sent_to_stp, s.total))],
    )
    outcome = sh.table(
        T_OUTCOME,
        ("Результат", "Запросов"),
        [(o.label, s.by_outcome.get(o, 0)) for o in SupportOutcome],
        total=(TOTAL, s.total),
        chart=True,
    )
    sh.filter(outcome)
    sh.chart(pie_chart(ws, T_OUTCOME, outcome))
    sh.table(
        T_ROLE,
        ("Роль пользователя", "Запросов"),
        [(r.label, s.by_role.get(r, 0)) for r in sp.UserRole],
        total=(TOTAL, s.total),
    )
    sh.finish(freeze_row=3, print_rows="1:2")


def _paper_sheet(sh: _Sheet, summary: PeriodSummary) -> None:
    p = summary.paper
    sh.heading(summary.school, "Еженедельные отчёты на бумаге", summary)
    sh.gap()
    _totals(sh, T_PAPER_TOTALS, [(K_FAMILIES, p.families_on_paper, None), (K_REPORTS, p.reports, None)])
    if not p.reports:
        sh.line(NO_PAPER_REPORTS, bold=True)
        sh.finish(freeze_row=3, print_rows="1:2")
        return
    handing = sh.table(
        T_HANDING,
        ("Результат", "Отчётов", "Доля"),
        [
            (K_HANDED, p.handed_on_time, share(p.handed_on_time, p.reports)),
            (K_HANDED_LATE, p.handed_late, share(p.handed_late, p.reports)),
            (K_NOT_HANDED, p.not_handed, share(p.not_handed, p.reports)),
        ],
        formats={3: SHARE_FORMAT},
        total=(TOTAL, p.reports, None),
        chart=True,
    )
    sh.filter(handing)
    sh.chart(pie_chart(sh.ws, T_HANDING, handing))
    sh.finish(freeze_row=3, print_rows="1:2")
