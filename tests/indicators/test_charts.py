"""Charts as accessible SVG: named, described, every line labelled in text."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from app.domain.kpi import Target, Unit
from app.indicators.charts import ChartData, Line, line_chart, sparkline, y_scale

SVG = "{http://www.w3.org/2000/svg}"


def _months(values, start=(2025, 5)):
    year, month = start
    points = []
    for value in values:
        points.append((date(year, month, 1), None if value is None else Decimal(str(value))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


NI59 = ChartData(
    title="NI 59: Initial assessments within 7 working days",
    unit=Unit.PERCENT,
    points=_months([41, 43, None, 47, 49, 52, 55, 54, 57, 59, 61, 60, 62, 63, 61, 58, 63, 65]),
    targets=(Target(60, date(2026, 3, 31)), Target(64, date(2026, 10, 31))),
    lines=(Line("Floor", Decimal(45)),),
    comparators={"England": {date(2025, 5, 1): Decimal("77.4"), date(2026, 10, 1): Decimal("78.2")}},
)


@pytest.fixture
def svg():
    return ET.fromstring(str(line_chart(NI59, "chart-1")))


def test_the_chart_is_an_image_named_by_its_title_and_description(svg):
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-1-title chart-1-desc"
    assert svg.find(f"{SVG}title").text == NI59.title
    assert svg.find(f"{SVG}title").get("id") == "chart-1-title"
    description = svg.find(f"{SVG}desc").text
    assert description.startswith("Monthly values from May 2025 to October 2026. Latest: 65.0% in October 2026.")
    assert "Highest 65.0% in October 2026; lowest 41.0% in May 2025." in description
    assert "the stepped target, 64.0% at the end" in description
    assert "The floor is 45.0%." in description
    assert "1 month has no value." in description


def test_every_line_is_named_in_text_not_by_colour_alone(svg):
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for label in ("Target 64.0%", "Floor 45.0%", "England", "Actual 65.0%"):
        assert label in texts


def test_a_dot_marks_each_month_with_a_value_and_a_gap_breaks_the_line(svg):
    assert len(list(svg.iter(f"{SVG}circle"))) == 17
    series = [p for p in svg.iter(f"{SVG}polyline") if p.get("stroke-width") == "3"]
    assert [len(p.get("points").split()) for p in series] == [2, 15]


def test_months_are_labelled_in_uk_style_ending_with_the_latest(svg):
    months = [t.text for t in svg.iter(f"{SVG}text") if len(t.text) == 3 and t.text.isalpha()]
    assert months == ["Jul", "Oct", "Jan", "Apr", "Jul", "Oct"]  # every third month, back from the latest


def test_the_target_steps_where_a_new_target_comes_into_force(svg):
    target = next(p for p in svg.iter(f"{SVG}path") if p.get("stroke-dasharray") == "8 4")
    heights = sorted({float(y) for y in re.findall(r",([\d.]+)", target.get("d"))})
    assert len(heights) == 2  # 60% to March 2026, then 64%


def test_text_in_a_chart_is_escaped():
    data = ChartData(title="<script>alert(1)</script> & co", unit=Unit.COUNT, points=_months([1, 2]))

    assert "<script>" not in str(line_chart(data, "c"))
    assert ET.fromstring(str(line_chart(data, "c"))).find(f"{SVG}title").text == "<script>alert(1)</script> & co"


def test_there_is_no_chart_without_values():
    assert line_chart(ChartData(title="Empty", unit=Unit.COUNT, points=[]), "c") is None


@pytest.mark.parametrize(
    ("numbers", "unit", "expected"),
    [
        ([41, 65, 45, 64], Unit.PERCENT, (40, 70, 5)),
        ([95, 100], Unit.PERCENT, (94, 100, 1)),  # never above 100%
        ([0, 3], Unit.PERCENT, (0.0, 4.0, 1.0)),  # never below 0
        ([20, 31], Unit.COUNT, (17.5, 32.5, 2.5)),
        ([12, 12], Unit.FTE, (10.5, 13.5, 0.5)),  # a flat series still has a scale
    ],
)
def test_the_value_axis_runs_between_round_numbers_holding_every_value(numbers, unit, expected):
    bottom, top, step = y_scale(numbers, unit)
    assert (bottom, top, step) == expected
    assert bottom <= min(numbers) and top >= max(numbers)


def test_a_sparkline_is_named_by_what_it_shows():
    line = ET.fromstring(str(sparkline("NI 59", _months([41, None, 47]), Unit.PERCENT, "s-1")))

    assert line.get("role") == "img" and line.get("aria-labelledby") == "s-1-title"
    assert line.find(f"{SVG}title").text == "NI 59: 41.0% in May 2025 to 47.0% in July 2025"
    assert len(line.find(f"{SVG}polyline").get("points").split()) == 2


def test_a_sparkline_needs_two_values():
    assert sparkline("NI 59", _months([41, None]), Unit.PERCENT, "s") is None
