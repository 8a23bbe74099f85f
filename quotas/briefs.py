"""The Word brief (简报) of a report: a short narrative in Chinese that an office forwards as it
is — what changed since the previous period of the same length, who is behind their landing
quota, which cases are stalled — and the key figures beside the previous period's."""

import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from kernel.money import format_yuan
from kernel.validators import strip_control_characters
from kernel.wording import clause_separator

from . import selectors
from .choices import ReportKind
from .reports import PeriodReport, quarter_start

# How many lagging units and stalled cases the brief names; the workbook lists them all.
NAMED_UNITS = 5
NAMED_CASES = 5
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Figure:
    key: str
    label: object  # a lazy translation


FIGURES = [
    Figure("discoveries", gettext_lazy("新发现成果")),
    Figure("evaluations", gettext_lazy("完成评价")),
    Figure("service_entries", gettext_lazy("进入服务库")),
    Figure("landings", gettext_lazy("认定落地")),
    Figure("escalations_new", gettext_lazy("本期报送久推不动")),
    Figure("stalled", gettext_lazy("期末久推不动成果")),
]


def previous_period(kind: str, start: date, end: date) -> tuple[date, date]:
    """The period the brief compares with: the quarter before, or as many days just before."""
    if kind == ReportKind.QUARTERLY:
        last = start - timedelta(days=1)
        return quarter_start(last), last
    return start - (end - start + timedelta(days=1)), start - timedelta(days=1)


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _short(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _change(now: int, before: int) -> str:
    if now > before:
        return _("比上期增加 %(n)d 项") % {"n": now - before}
    if now < before:
        return _("比上期减少 %(n)d 项") % {"n": before - now}
    return _("与上期持平")


def narrative(kind: str, report: PeriodReport, previous: PeriodReport) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of the brief, each a sentence or two built from the figures."""
    now, before = report.totals(), previous.totals()
    changes = clause_separator().join(
        _("%(label)s %(n)d 项（%(change)s）")
        % {
            "label": figure.label,
            "n": now[figure.key],
            "change": _change(now[figure.key], before[figure.key]),
        }
        for figure in FIGURES[:4]
    )
    overview = _("本期（%(start)s至%(end)s）%(changes)s。上期为%(pstart)s至%(pend)s。") % {
        "start": _short(report.start),
        "end": _short(report.end),
        "changes": changes,
        "pstart": _short(previous.start),
        "pend": _short(previous.end),
    }
    if now["landmarks"]:
        overview += _("本期认定落地中标杆性成果 %(n)d 项。") % {"n": now["landmarks"]}

    quota = selectors.quota_totals(report.quota_rows)
    behind = selectors.quota_behind(report.quota_rows, until=report.end)
    quota_text = _(
        "截至%(end)s，%(year)d年全市落地任务 %(total)d 项，已完成 %(counted)d 项，"
        "%(met)d/%(units)d 个单位已完成任务。"
    ) % {
        "end": _short(report.end),
        "year": report.year,
        "total": quota.quota,
        "counted": quota.completed,
        "met": quota.units_met,
        "units": quota.units_with_quota,
    }
    if behind:
        named = "、".join(
            _("%(unit)s（完成 %(counted)d/%(quota)d 项）")
            % {"unit": row.unit.name, "counted": row.completed, "quota": row.quota}
            for row in behind[:NAMED_UNITS]
        )
        quota_text += _("按时间进度，%(n)d 个单位落后：%(named)s") % {
            "n": len(behind),
            "named": named,
        }
        if len(behind) > NAMED_UNITS:
            quota_text += _("等")
        quota_text += _("，请督促加快推进。")
    else:
        quota_text += _("各有任务单位均达到时间进度。")

    stalled = report.stalled
    reported = sum(1 for case in stalled if case.escalated_at_end)
    stalled_text = _(
        "截至期末，久推不动成果 %(n)d 项（%(change)s），其中已报送 %(reported)d 项；"
        "本期新报送 %(new)d 项。"
    ) % {
        "n": len(stalled),
        "change": _change(len(stalled), before["stalled"]),
        "reported": reported,
        "new": now["escalations_new"],
    }
    if stalled:
        worst = sorted(stalled, key=lambda case: (case.last_progress_on, case.pk))[:NAMED_CASES]
        stalled_text += _("无进展时间最长的是：%(cases)s。") % {
            "cases": clause_separator().join(
                _("%(title)s（%(unit)s，%(days)d 天无进展%(amount)s）")
                % {
                    "title": case.title,
                    "unit": case.discovering_unit.short_name,
                    "days": (report.end - case.last_progress_on).days,
                    "amount": _("，预期贡献%(amount)s")
                    % {"amount": format_yuan(case.expected_contribution)}
                    if case.expected_contribution
                    else "",
                }
                for case in worst
            )
        }
    return [
        (_("一、总体进展"), overview),
        (_("二、落地任务完成情况"), quota_text),
        (_("三、久推不动成果"), stalled_text),
    ]


def due_line(kind: str, end: date) -> str:
    """每两周一报 is sent on the Monday after the fortnight, before 12:00."""
    if kind != ReportKind.BIWEEKLY:
        return ""
    monday = end + timedelta(days=(7 - end.weekday()) % 7 or 7)
    return _("报送时间：%(day)s（星期%(weekday)s）12:00前") % {
        "day": _day(monday),
        "weekday": WEEKDAYS[monday.weekday()],
    }


def _xml_safe(text: str) -> str:
    """Titles stored before input was cleaned may hold control characters Word cannot take."""
    return strip_control_characters(str(text), multiline=True)


def brief_docx(
    *, kind: str, title: str, report: PeriodReport, previous: PeriodReport, sections: list
) -> bytes:
    """The .docx: title, period, the narrative, and the key figures beside the previous period."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_heading(_xml_safe(title), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period = _("报告期间：%(start)s至%(end)s") % {
        "start": _day(report.start),
        "end": _day(report.end),
    }
    due = due_line(kind, report.end)
    document.add_paragraph(f"{period}　{due}" if due else period)
    for head, text in narrative(kind, report, previous):
        document.add_heading(head, level=2)
        document.add_paragraph(_xml_safe(text))
    document.add_heading(_("四、主要指标"), level=2)
    now, before = report.totals(), previous.totals()
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("指标（项）"), _("本期"), _("上期"), _("变化")], strict=True
    ):
        cell.text = text
    for figure in FIGURES:
        cells = table.add_row().cells
        change = now[figure.key] - before[figure.key]
        cells[0].text = str(figure.label)
        cells[1].text = str(now[figure.key])
        cells[2].text = str(before[figure.key])
        cells[3].text = f"{change:+d}" if change else "0"
    document.add_paragraph(
        _("各项清单见同期 Excel 报告（%(sheets)s）。")
        % {"sheets": "、".join(section["title"] for section in sections)}
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
