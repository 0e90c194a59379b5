"""The dashboard: the report charts in the window, copied or saved as PNG/SVG; the PDF report.

The summary (:func:`vetdesk.reports.summary.build_summary`) and the ten-measure progress
(:func:`vetdesk.services.targets.progress_chart_items`) are read in the background, and the
figures are built there too by :mod:`vetdesk.reports.charts`; the window only embeds them
in a ``FigureCanvasQTAgg``. matplotlib is imported when the page first loads, never at
start-up. Copying and saving build a fresh figure in the background, so the one on screen
is never drawn from two threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, pgettext
from vetdesk.services.entities import MEASURE_ENTITIES
from vetdesk.ui import interaction
from vetdesk.ui.background import DbOp, Progress
from vetdesk.ui.pagebase import DataPage, DbSource, documents_folder

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from vetdesk.db.database import Database
    from vetdesk.reports.summary import ReportSummary

YearSource = Callable[[], "int | None"]

CHART_COMPLIANCE = "compliance"
CHART_GAPS = "gaps"
CHART_DOUBLE = "double"
CHART_TRAINING = "training"
CHART_PROGRESS = "progress"
CHART_TREND = "trend"
CHARTS = (
    CHART_COMPLIANCE,
    CHART_GAPS,
    CHART_DOUBLE,
    CHART_TRAINING,
    CHART_PROGRESS,
    CHART_TREND,
)


def chart_title(chart: str) -> str:
    """The name of a chart in the selector."""
    return {
        CHART_COMPLIANCE: _("各县区办学条件达标率（目标 90%）"),
        CHART_GAPS: _("未达标学校的指标差距"),
        CHART_DOUBLE: pgettext("Dashboard", "各校“双师型”教师占专业课教师比例"),
        CHART_TRAINING: _("培训参训人次（按对象和类别）"),
        CHART_PROGRESS: _("十项措施目标任务进度"),
        CHART_TREND: _("历年变化趋势"),
    }[chart]


@dataclass(frozen=True)
class DashboardData:
    """What the charts are drawn from (read in the worker)."""

    year: int
    summary: ReportSummary
    progress_items: tuple[Any, ...]


def read_data(db: Database, year: int) -> DashboardData:
    """Read the summary and the ten-measure progress of a period (runs in the worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.reports.summary import build_summary
    from vetdesk.services.targets import progress_chart_items

    return DashboardData(year, build_summary(db, year), tuple(progress_chart_items(db, year)))


def make_figure(data: DashboardData, chart: str) -> Figure:
    """Draw one chart as a new figure (Qt-free; runs in the worker)."""
    # Local: the core loads on first use, not at start-up.
    from vetdesk.reports import charts

    s = data.summary
    if chart == CHART_COMPLIANCE:
        return charts.compliance_by_county(s.units, s.total)
    if chart == CHART_GAPS:
        return charts.failing_indicators(s.gaps)
    if chart == CHART_DOUBLE:
        return charts.double_teacher_share(s.double_shares, s.double_threshold)
    if chart == CHART_TRAINING:
        return charts.training_participants(s.total)
    if chart == CHART_PROGRESS:
        return charts.ten_measure_progress(list(data.progress_items))
    if chart == CHART_TREND:
        return charts.trend(s.trend, s.double_threshold)
    raise ValueError(f"unknown chart {chart!r}")


def _prepare(fig: Figure) -> Figure:
    """Lay out and render once in the worker, so the first paint in the window is quick."""
    fig.canvas.draw()
    # The layout is solved now; solving it again at every repaint would cost the GUI
    # thread more than 100 ms for the taller charts. The axes keep their relative places.
    fig.set_layout_engine("none")
    return fig


class DashboardPage(DataPage):
    """The charts of the period, one at a time, redrawn whenever the data change."""

    NOTICE_KINDS = frozenset(MEASURE_ENTITIES)  # the progress charts use these records

    def __init__(self, db: DbSource, year: YearSource, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.setObjectName("page_dashboard")
        self._year = year
        self.data: DashboardData | None = None
        self.figures: dict[str, Figure] = {}
        self.canvas: Any = None  # FigureCanvasQTAgg of the chart shown
        self.chart = QComboBox()
        self.chart.setObjectName("chart")
        for chart in CHARTS:
            self.chart.addItem(chart_title(chart), chart)
        self.chart.currentIndexChanged.connect(lambda _i: self._show_chart())
        self.copy_button = QPushButton(_("复制"))
        self.copy_button.setObjectName("copy")
        self.copy_button.setToolTip(_("把图表作为图片复制到剪贴板，可粘贴到 Word 或 WPS"))
        self.copy_button.clicked.connect(lambda: self.copy_chart())
        self.save_button = QPushButton(_("另存为…"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip(_("保存为 PNG 图片或 SVG 矢量图"))
        self.save_button.clicked.connect(lambda: self.save_chart())
        self.report_button = QPushButton(_("生成报告…"))
        self.report_button.setObjectName("report")
        self.report_button.clicked.connect(lambda: self.write_report())
        label = QLabel(_("图表(&C)："))
        label.setBuddy(self.chart)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.chart, 1)
        top.addWidget(self.copy_button)
        top.addWidget(self.save_button)
        top.addWidget(self.report_button)
        self.status = QLabel(_("打开此页时读取数据并绘制图表。"))
        self.status.setObjectName("status")
        self.area = QScrollArea()
        self.area.setObjectName("chart_area")
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.area.setStyleSheet("QScrollArea#chart_area { background: white; }")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.area, 1)
        self._update_buttons()

    def current_chart(self) -> str:
        """The id of the chart chosen."""
        return str(self.chart.currentData())

    def show_chart(self, chart: str) -> None:
        """Choose a chart (as a person would in the selector)."""
        self.chart.setCurrentIndex(max(0, self.chart.findData(chart)))

    def _update_buttons(self) -> None:
        ready = self.data is not None
        self.copy_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.report_button.setEnabled(self.db is not None and self._year() is not None)

    # --- loading --------------------------------------------------------------------------------

    def load(self, db: Database) -> None:
        """Read the period and draw every chart in the background."""
        year = self._year()
        if year is None:
            self.data = None
            self.figures = {}
            self._show_chart()
            self.status.setText(_("尚无统计期。"))
            self.refreshed.emit()
            return
        self.status.setText(_("正在读取数据并绘制图表…"))

        def op(database: Database, progress: Progress) -> tuple[DashboardData, dict[str, Any]]:
            # Local: the Qt canvas module loads here, in the worker, not on the GUI thread.
            import matplotlib.backends.backend_qtagg  # noqa: F401

            data = read_data(database, year)
            figures: dict[str, Any] = {}
            for number, chart in enumerate(CHARTS):
                progress.check()
                progress.update(number, len(CHARTS))
                figures[chart] = _prepare(make_figure(data, chart))
            return data, figures

        def done(result: tuple[DashboardData, dict[str, Any]]) -> None:
            self.data, self.figures = result
            self.status.setText(
                _("{year} 年度 · {scope} · 数据截至 {date}").format(
                    year=self.data.year,
                    scope=self.data.summary.scope_name,
                    date=self.data.summary.statistics_date.isoformat(),
                )
            )
            self._show_chart()
            self._update_buttons()
            self.refreshed.emit()

        def failed(exc: BaseException) -> None:
            self.status.setText(interaction.error_text(exc))
            self._update_buttons()

        DbOp(self, db, op).success(done).failure(failed).run()

    def _show_chart(self) -> None:
        from_before = self.area.takeWidget()
        if from_before is not None:
            from_before.deleteLater()
        self.canvas = None
        figure = self.figures.get(self.current_chart())
        if figure is None:
            self.area.setWidget(QLabel())
            return
        # Local: matplotlib loads only to draw, not at start-up.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        canvas = FigureCanvasQTAgg(figure)  # type: ignore[no-untyped-call]
        canvas.setObjectName("canvas")
        width, height = figure.get_size_inches() * figure.dpi
        # Natural height, at least: tall charts scroll rather than squeeze their rows.
        canvas.setMinimumSize(int(width * 0.6), int(height))
        self.area.setWidget(canvas)
        self.canvas = canvas

    # --- copy, save, report ---------------------------------------------------------------------

    def _fresh(
        self, chart: str, then: Callable[[Figure], Any]
    ) -> Callable[[Database, Progress], Any]:
        data = self.data
        assert data is not None

        def op(_database: Database, _progress: Progress) -> Any:
            return then(make_figure(data, chart))

        return op

    def copy_chart(self) -> DbOp[bytes] | None:
        """Put the chart shown on the clipboard as an image."""
        db = self.db
        if self.data is None or db is None:
            return None
        chart = self.current_chart()

        def png(fig: Figure) -> bytes:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.reports.charts import figure_png_bytes

            return figure_png_bytes(fig)

        def done(data: bytes) -> None:
            image = QImage.fromData(data)
            QGuiApplication.clipboard().setImage(image)
            self.status.setText(_("已复制“{chart}”。").format(chart=chart_title(chart)))

        return DbOp(self, db, self._fresh(chart, png)).success(done).run()

    def save_chart(self, target: Path | None = None) -> DbOp[Path] | None:
        """Save the chart shown as PNG or SVG (by the file's suffix)."""
        db = self.db
        if self.data is None or db is None:
            return None
        chart = self.current_chart()
        if target is None:
            start = documents_folder() / f"{chart_title(chart)}-{self.data.year}.png"
            target = interaction.save_file(
                self, _("保存图表"), start, _("PNG 图片 (*.png);;SVG 矢量图 (*.svg)")
            )
            if target is None:
                return None
        chosen = target if target.suffix.lower() in (".png", ".svg") else target.with_suffix(".png")

        def save(fig: Figure) -> Path:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.reports.charts import save_figure

            save_figure(fig, chosen)
            return chosen

        def done(path: Path) -> None:
            self.status.setText(_("已保存 {path}").format(path=path))

        return (
            DbOp(self, db, self._fresh(chart, save), label=_("正在保存图表…")).success(done).run()
        )

    def write_report(self, target: Path | None = None) -> DbOp[Path] | None:
        """Write the PDF report of the period."""
        db = self.db
        year = self._year()
        if db is None or year is None:
            return None
        return write_report(self, db, year, target)


def write_report(
    parent: QWidget, db: Database, year: int, target: Path | None = None
) -> DbOp[Path] | None:
    """Write the period's PDF report (charts and tables) in the background."""
    if target is None:
        start = documents_folder() / _("{unit}-{year}-职业教育数据报告.pdf").format(
            unit=db.info().unit_name, year=year
        )
        target = interaction.save_file(parent, _("生成报告"), start, _("PDF 文件 (*.pdf)"))
        if target is None:
            return None
    chosen = target if target.suffix.lower() == ".pdf" else target.with_suffix(".pdf")

    def op(database: Database, progress: Progress) -> Path:
        # Local: the core loads on first use, not at start-up.
        from vetdesk.reports.pdf import write_report_pdf
        from vetdesk.services.targets import progress_chart_items

        def step(done: int, total: int) -> None:
            progress.check()
            progress.update(done, total)

        items = progress_chart_items(database, year)
        write_report_pdf(database, year, chosen, progress_items=items, progress=step)
        return chosen

    def done(path: Path) -> None:
        interaction.inform(parent, _("生成报告"), _("已生成报告 {path}").format(path=path))

    return DbOp(parent, db, op, label=_("正在生成报告…"), cancellable=True).success(done).run()
