"""Named changes to indicators: record a period's value, import definitions or values.

Services validate everything first, raise one ValidationFailed listing every
problem, and flush; the caller commits.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.errors import ValidationFailed
from app.domain.kpi import IndicatorRules, Target, Unit, value_from_parts
from app.extensions import db
from app.indicators import parsing
from app.models import Action, Indicator, IndicatorTarget, IndicatorValue, Plan, Requirement, User

VALUE_HEADINGS = ("code", "period", "value", "numerator", "denominator", "commentary")
DEFINITION_HEADINGS = (
    "code", "title", "unit", "polarity", "baseline", "targets", "floor", "alert_threshold", "tolerance",
    "definition", "baseline_label", "improvement_notice_target", "actions", "requirements",
)  # fmt: skip
_REQUIRED = {"values": ("code", "period"), "definitions": ("code", "title", "unit", "polarity")}
_ROW_LIMIT = 10_000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CleanValue:
    period: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str | None


def check_value(
    unit: Unit, *, period: object, value: object, numerator: object, denominator: object, commentary: object,
    today: date,
) -> tuple[CleanValue | None, dict[str, str]]:  # fmt: skip
    """Every problem with one period's figures, keyed by field; or the clean figures."""
    problems: dict[str, str] = {}
    numbers: dict[str, Decimal | None] = {}
    clean_period = None
    try:
        clean_period = parsing.parse_period(period)
    except ValueError as error:
        problems["period"] = str(error)
    else:
        if clean_period > parsing.month_start(today):
            problems["period"] = f"{parsing.month_label(clean_period)} is in the future"
    names = {"value": "The value", "numerator": "The numerator", "denominator": "The denominator"}
    for field, raw in (("value", value), ("numerator", numerator), ("denominator", denominator)):
        try:
            numbers[field] = parsing.parse_number(raw, allow_negative=field == "value" and unit is Unit.POUNDS)
        except ValueError as error:
            problems[field] = f"{names[field]} {error}"
            numbers[field] = None
    top, bottom = numbers["numerator"], numbers["denominator"]
    if "numerator" not in problems and "denominator" not in problems:
        if (top is None) != (bottom is None):
            missing = "denominator" if bottom is None else "numerator"
            problems[missing] = "Enter both the numerator and the denominator, or neither"
        elif top is not None and bottom is not None and unit is Unit.PERCENT and top > bottom:
            problems["numerator"] = "The numerator cannot be more than the denominator for a percentage"
        elif top is not None and unit not in (Unit.PERCENT, Unit.RATE) and numbers["value"] is None:
            problems["value"] = f"Enter the value: a {unit.label.lower()} is not worked out from parts"
    if not problems and numbers["value"] is None and top is None:
        problems["value"] = "Enter the value, or the numerator and the denominator"
    if problems:
        return None, problems
    assert clean_period is not None
    text = str(commentary).strip() if commentary is not None else ""
    return CleanValue(clean_period, numbers["value"], top, bottom, text or None), {}


def _store(indicator: Indicator, clean: CleanValue, actor: User | None, existing: IndicatorValue | None):
    record = existing or IndicatorValue(indicator=indicator, period=clean.period)
    if existing is None:
        db.session.add(record)
    # The worked-out value is kept so the series reads from one column; a zero
    # denominator leaves it empty, which reads as "no data".
    record.value = value_from_parts(clean.value, clean.numerator, clean.denominator, indicator.unit_enum)
    record.numerator, record.denominator = clean.numerator, clean.denominator
    record.commentary = clean.commentary
    record.entered_by = actor
    return record


def record_value(
    indicator: Indicator, *, period: object, value: object = None, numerator: object = None,
    denominator: object = None, commentary: object = None, actor: User | None, today: date,
) -> IndicatorValue:  # fmt: skip
    """Record (or correct) one period's figures for an indicator."""
    clean, problems = check_value(
        indicator.unit_enum, period=period, value=value, numerator=numerator, denominator=denominator,
        commentary=commentary, today=today,
    )  # fmt: skip
    if problems:
        raise ValidationFailed(problems)
    assert clean is not None
    existing = db.session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.period == clean.period)
    )
    record = _store(indicator, clean, actor, existing)
    db.session.flush()
    return record


# --- import -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    kind: str  # "values" or "definitions"
    created: int
    updated: int

    def describe(self) -> str:
        noun = "values" if self.kind == "values" else "indicator definitions"
        return f"Imported {self.created + self.updated} {noun}: {self.created} new, {self.updated} updated."


def _heading(text: object) -> str:
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())


def read_table(filename: str, content: bytes) -> list[list[object]]:
    """The rows of a CSV (UTF-8, with or without BOM, or Windows-1252) or an Excel workbook's first sheet."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ValidationFailed({"file": f"{filename} is not an Excel workbook Pillar can read"}) from None
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix not in (".csv", ".txt"):
        raise ValidationFailed({"file": "Choose a CSV file or an Excel workbook (.xlsx)"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _blank(row: list[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def import_file(plan: Plan, filename: str, content: bytes, *, actor: User | None, today: date) -> ImportResult:
    """Import indicator definitions or values, told apart by their headings. All or nothing:
    any problem in any row leaves the plan as it was, and every problem is reported by row."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed({"file": f"{filename} is larger than 5 MB: split it into smaller files"})
    rows = read_table(filename, content)
    while rows and _blank(rows[0]):
        rows.pop(0)
    if not rows:
        raise ValidationFailed({"file": f"{filename} is empty"})
    headings = [_heading(cell) for cell in rows[0]]
    if "period" in headings:
        kind, known = "values", VALUE_HEADINGS
    elif "polarity" in headings or "targets" in headings:
        kind, known = "definitions", DEFINITION_HEADINGS
    else:
        raise ValidationFailed(
            {"file": "The first row must be headings: code, period, value, numerator, denominator, commentary "
             "for values; or code, title, unit, polarity, baseline, targets, floor, alert threshold, tolerance "
             "for indicator definitions"}
        )  # fmt: skip
    missing = [name for name in _REQUIRED[kind] if name not in headings]
    unknown = [name for name in headings if name and name not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"Add the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} to the headings")
        if unknown:
            parts.append(
                f"Remove or rename the unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: "
                f"the headings may be {', '.join(known)}"
            )
        raise ValidationFailed({"file": "; ".join(parts)})
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        cells = list(row) + [None] * (len(headings) - len(row))
        records.append((number, {name: cells[i] for i, name in enumerate(headings) if name}))
    if not records:
        raise ValidationFailed({"file": f"{filename} has headings but no rows"})
    if len(records) > _ROW_LIMIT:
        raise ValidationFailed({"file": f"{filename} has more than {_ROW_LIMIT:,} rows: split it"})
    if kind == "values":
        return _import_values(plan, records, actor=actor, today=today)
    return _import_definitions(plan, records)


def _text(raw: object) -> str:
    return "" if raw is None else str(raw).strip()


def _row_problem(problems: dict[str, str], number: int, messages: list[str]) -> None:
    problems[f"row {number}"] = f"Row {number}: " + "; ".join(messages)


def _import_values(plan: Plan, records, *, actor: User | None, today: date) -> ImportResult:
    indicators = {i.code.lower(): i for i in db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
    problems: dict[str, str] = {}
    cleaned: list[tuple[Indicator, CleanValue]] = []
    seen: dict[tuple[int, date], int] = {}
    for number, record in records:
        code = _text(record.get("code"))
        indicator = indicators.get(code.lower())
        messages = []
        if not code:
            messages.append("enter the indicator's code")
        elif indicator is None:
            messages.append(f"no indicator with the code “{code}” in this plan")
        clean, field_problems = check_value(
            indicator.unit_enum if indicator else Unit.COUNT,
            period=record.get("period"), value=record.get("value"), numerator=record.get("numerator"),
            denominator=record.get("denominator"), commentary=record.get("commentary"), today=today,
        )  # fmt: skip
        messages.extend(field_problems.values())
        if clean is not None and indicator is not None:
            key = (indicator.id, clean.period)
            if key in seen:
                messages.append(f"{code} {parsing.month_label(clean.period)} is already in row {seen[key]}")
            else:
                seen[key] = number
                cleaned.append((indicator, clean))
        if messages:
            _row_problem(problems, number, messages)
    if problems:
        raise ValidationFailed(problems)
    existing = {
        (v.indicator_id, v.period): v
        for v in db.session.scalars(
            select(IndicatorValue).where(IndicatorValue.indicator_id.in_({i.id for i, _ in cleaned}))
        )
    }
    created = 0
    for indicator, clean in cleaned:
        found = existing.get((indicator.id, clean.period))
        created += found is None
        _store(indicator, clean, actor, found)
    db.session.flush()
    return ImportResult("values", created, len(cleaned) - created)


def _optional_number(record: dict, field: str, label: str, messages: list[str]) -> Decimal | None:
    try:
        return parsing.parse_number(record.get(field), allow_negative=field == "baseline")
    except ValueError as error:
        messages.append(f"the {label} {error}")
        return None


def _links(record: dict, field: str, known: dict, noun: str, messages: list[str]) -> list | None:
    """The actions or requirements a row links to, by reference ("2.1.1; 3.1.7", "IN 1, OR 7");
    None when the file has no such column, so existing links are kept."""
    if field not in record:
        return None
    found, missing = [], []
    for part in re.split(r"[;,\n]+", _text(record[field])):
        reference = part.strip()
        if not reference:
            continue
        if reference.lower() in known:
            if known[reference.lower()] not in found:
                found.append(known[reference.lower()])
        else:
            missing.append(reference)
    if missing:
        messages.append(f"no {noun} {', '.join(missing)} in this plan")
    return found


def _import_definitions(plan: Plan, records) -> ImportResult:
    indicators = {
        i.code.lower(): i
        for i in db.session.scalars(
            select(Indicator).where(Indicator.plan_id == plan.id).options(selectinload(Indicator.targets))
        )
    }
    actions = {a.reference.lower(): a for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))}
    requirements = {
        r.number.lower(): r for r in db.session.scalars(select(Requirement).where(Requirement.plan_id == plan.id))
    }
    problems: dict[str, str] = {}
    cleaned = []
    seen: dict[str, int] = {}
    for number, record in records:
        messages: list[str] = []
        linked_actions = _links(record, "actions", actions, "action", messages)
        linked_requirements = _links(record, "requirements", requirements, "requirement", messages)
        code, title = _text(record.get("code")), _text(record.get("title"))
        if not code:
            messages.append("enter the indicator's code")
        elif len(code) > 40:
            messages.append("the code must be 40 characters or fewer")
        elif code.lower() in seen:
            messages.append(f"the code {code} is already in row {seen[code.lower()]}")
        else:
            seen[code.lower()] = number
        if not title:
            messages.append("enter the indicator's title")
        elif len(title) > 300:
            messages.append("the title must be 300 characters or fewer")
        unit = polarity = None
        try:
            unit = parsing.parse_unit(record.get("unit"))
        except ValueError as error:
            messages.append(str(error))
        try:
            polarity = parsing.parse_polarity(record.get("polarity"))
        except ValueError as error:
            messages.append(str(error))
        baseline = _optional_number(record, "baseline", "baseline", messages)
        floor = _optional_number(record, "floor", "floor", messages)
        threshold = _optional_number(record, "alert_threshold", "alert threshold", messages)
        tolerance = _optional_number(record, "tolerance", "tolerance", messages)
        targets = []
        try:
            targets = parsing.parse_targets(record.get("targets"))
        except ValueError as error:
            messages.append(str(error))
        try:
            flagged = parsing.parse_yes_no(record.get("improvement_notice_target"))
        except ValueError as error:
            messages.append(f"improvement notice target: {error}")
            flagged = False
        if unit is not None and polarity is not None and not messages:
            try:
                IndicatorRules(
                    polarity, unit, tuple(Target(v, d, u) for v, u, d in targets), floor, threshold, tolerance
                )
            except ValueError as error:
                messages.append(str(error))
        if messages:
            _row_problem(problems, number, messages)
            continue
        cleaned.append(
            dict(
                code=code, title=title, unit=unit, polarity=polarity, baseline=baseline, floor=floor,
                threshold=threshold, tolerance=tolerance, targets=targets, flagged=flagged,
                definition=_text(record.get("definition")) or None,
                baseline_label=_text(record.get("baseline_label")) or None,
                actions=linked_actions, requirements=linked_requirements,
            )
        )  # fmt: skip
    if problems:
        raise ValidationFailed(problems)
    created = 0
    position = len(indicators)
    for entry in cleaned:
        indicator = indicators.get(entry["code"].lower())
        if indicator is None:
            created += 1
            position += 1
            indicator = Indicator(plan=plan, code=entry["code"], position=position)
            db.session.add(indicator)
        indicator.title = entry["title"]
        indicator.unit = entry["unit"].value
        indicator.polarity = entry["polarity"].value
        indicator.baseline_value = entry["baseline"]
        indicator.floor, indicator.alert_threshold = entry["floor"], entry["threshold"]
        indicator.tolerance = entry["tolerance"]
        indicator.is_improvement_notice_target = entry["flagged"]
        if entry["definition"] is not None:
            indicator.definition = entry["definition"]
        if entry["baseline_label"] is not None:
            indicator.baseline_label = entry["baseline_label"]
        if entry["actions"] is not None:
            indicator.actions = entry["actions"]
        if entry["requirements"] is not None:
            indicator.requirements = entry["requirements"]
        indicator.targets.clear()
        db.session.flush()  # the old steps go before new ones with the same dates arrive
        indicator.targets.extend(IndicatorTarget(value=v, upper=u, due=d) for v, u, d in entry["targets"])
    db.session.flush()
    return ImportResult("definitions", created, len(cleaned) - created)
