"""Performance indicators: the status of a period's value, and its trend.

The rules (DOMAIN.md, "Performance indicators"): the target in force is the
earliest whose date is on or after the period's end, or the last target once
all have passed. A value is OK when it meets that target; Warning when it is
short but within the tolerance (or, where an alert threshold is set, short of
the target but not past the threshold); Alert beyond that, and whenever the
floor is breached; Data only with no target; Unknown with no value.

Values are judged as they are shown, rounded to one decimal place (half up),
so a board never sees "64.0%" marked below a 64% target.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeAlias

__all__ = [
    "Assessment",
    "IndicatorRules",
    "KpiStatus",
    "Number",
    "Polarity",
    "Target",
    "Trend",
    "Unit",
    "assess",
    "format_value",
    "rate",
    "target_in_force",
    "trend",
    "value_from_parts",
]

Number: TypeAlias = Decimal | int | float

#: The default tolerance: points for a percentage, a share of the target otherwise.
DEFAULT_TOLERANCE_POINTS = Decimal(5)
DEFAULT_TOLERANCE_SHARE = Decimal("0.05")

_ONE_PLACE = Decimal("0.1")


class Polarity(StrEnum):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"  # within a range is best

    @property
    def label(self) -> str:
        return _POLARITY_LABELS[self]


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    FTE = "fte"
    POUNDS = "pounds"
    DAYS = "days"
    RATE = "rate"  # per 1,000, per 10,000: the indicator's title says which

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]

    @property
    def symbol(self) -> str:
        return _UNIT_SYMBOLS[self]


class KpiStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ALERT = "alert"
    DATA_ONLY = "data_only"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def rag(self) -> str | None:
        """The RAG colour a status is shown in; None for no colour."""
        return _STATUS_RAG[self]


class Trend(StrEnum):
    IMPROVING = "improving"
    NO_CHANGE = "no_change"
    WORSENING = "worsening"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _TREND_LABELS[self]

    @property
    def arrow(self) -> str:
        return _TREND_ARROWS[self]


_POLARITY_LABELS = {
    Polarity.HIGHER: "Higher is better",
    Polarity.LOWER: "Lower is better",
    Polarity.RANGE: "Within a range is best",
}
_UNIT_LABELS = {
    Unit.PERCENT: "Percentage",
    Unit.COUNT: "Count",
    Unit.FTE: "Full-time equivalent",
    Unit.POUNDS: "Pounds",
    Unit.DAYS: "Days",
    Unit.RATE: "Rate",
}
_UNIT_SYMBOLS = {
    Unit.PERCENT: "%",
    Unit.COUNT: "",
    Unit.FTE: "FTE",
    Unit.POUNDS: "£",
    Unit.DAYS: "days",
    Unit.RATE: "",
}
_STATUS_LABELS = {
    KpiStatus.OK: "OK",
    KpiStatus.WARNING: "Warning",
    KpiStatus.ALERT: "Alert",
    KpiStatus.DATA_ONLY: "Data only",
    KpiStatus.UNKNOWN: "Unknown",
}
_STATUS_RAG: dict[KpiStatus, str | None] = {
    KpiStatus.OK: "green",
    KpiStatus.WARNING: "amber",
    KpiStatus.ALERT: "red",
    KpiStatus.DATA_ONLY: None,
    KpiStatus.UNKNOWN: None,
}
_TREND_LABELS = {
    Trend.IMPROVING: "Improving",
    Trend.NO_CHANGE: "No change",
    Trend.WORSENING: "Getting worse",
    Trend.UNKNOWN: "No previous value",
}
_TREND_ARROWS = {
    Trend.IMPROVING: "↑",
    Trend.NO_CHANGE: "→",
    Trend.WORSENING: "↓",
    Trend.UNKNOWN: "",
}


# --- numbers ----------------------------------------------------------------


def _decimal(value: Number) -> Decimal:
    # bool is an int to Python, but True is never a measurement.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise TypeError(f"{value!r} is not a number")
    # Through str, so 0.1 stays 0.1 rather than its binary approximation.
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _shown(value: Number) -> Decimal:
    return _decimal(value).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)


def rate(numerator: Number | None, denominator: Number | None) -> Decimal | None:
    """numerator / denominator, or None when there is nothing to divide by.

    Small teams report "0 of 0": that is no data, not an error and not 0%.
    """
    if numerator is None or denominator is None:
        return None
    bottom = _decimal(denominator)
    if bottom == 0:
        return None
    return _decimal(numerator) / bottom


def value_from_parts(
    value: Number | None,
    numerator: Number | None,
    denominator: Number | None,
    unit: Unit,
) -> Decimal | None:
    """The period's value: as recorded, else worked out from its parts.

    A recorded value wins, as it is the figure the council published. Only a
    percentage or a rate has parts; a percentage is the rate times 100, and a
    rate is the plain ratio (scale it to "per 10,000" before recording it).
    """
    if value is not None:
        return _decimal(value)
    ratio = rate(numerator, denominator)
    if ratio is None:
        return None
    if unit is Unit.PERCENT:
        return ratio * 100
    if unit is Unit.RATE:
        return ratio
    return None


def _digits(number: Decimal, *, places: int) -> str:
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


def _trimmed(number: Decimal) -> str:
    """One decimal place, without a trailing ".0": 64, 64.5, 1,200."""
    rounded = number.quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)
    return _digits(rounded, places=0 if rounded == rounded.to_integral_value() else 1)


def format_value(value: Number | None, unit: Unit, *, empty: str = "No value") -> str:
    """A value as it is shown: "64.0%", "£1,200", "20", "3.5 FTE", "12 days"."""
    if value is None:
        return empty
    number = _decimal(value)
    match unit:
        case Unit.PERCENT:
            return f"{_digits(number, places=1)}%"
        case Unit.POUNDS:
            whole = number == number.to_integral_value()
            text = _digits(abs(number), places=0 if whole else 2)
            return f"-£{text}" if number < 0 else f"£{text}"
        case Unit.FTE:
            return f"{_digits(number, places=1)} FTE"
        case Unit.DAYS:
            text = _trimmed(number)
            return f"{text} day" if text == "1" else f"{text} days"
        case Unit.RATE:
            return _digits(number, places=1)
        case _:
            return _trimmed(number)


def _brief(value: Decimal, unit: Unit) -> str:
    """A value inside a sentence: "the 64% target", not "the 64.0% target"."""
    if unit is Unit.PERCENT:
        return f"{_trimmed(value)}%"
    if unit in (Unit.FTE, Unit.RATE):
        text = _trimmed(value)
        return f"{text} FTE" if unit is Unit.FTE else text
    return format_value(value, unit)


def _amount(value: Decimal, unit: Unit) -> str:
    """A difference: "5 points" for a percentage, else in the unit."""
    if unit is Unit.PERCENT:
        text = _trimmed(value)
        return f"{text} point" if text == "1" else f"{text} points"
    return _brief(value, unit)


# --- targets and rules -------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A stepped target: `value` by `due`.

    For a RANGE indicator `value` is the lower bound and `upper` the upper;
    both bounds are within the range.
    """

    value: Number
    due: date
    upper: Number | None = None

    def __post_init__(self) -> None:
        if self.upper is not None and _decimal(self.upper) < _decimal(self.value):
            raise ValueError(
                f"the target due {_when(self.due)} has its upper bound {self.upper} below its lower bound {self.value}"
            )


@dataclass(frozen=True)
class IndicatorRules:
    """How an indicator's values are judged.

    `floor` is the line that must never be crossed, whatever the target: for
    HIGHER polarity a value below it is an Alert ("must not drop below 45%");
    for LOWER polarity the same field is a ceiling, and a value above it is an
    Alert. `alert_threshold`, where set, replaces the tolerance as the line
    between Warning and Alert. `tolerance` is in the indicator's unit
    (percentage points for a percentage); None gives the default of 5 points
    for a percentage and 5% of the target otherwise.
    """

    polarity: Polarity
    unit: Unit
    targets: tuple[Target, ...] = ()
    floor: Number | None = None
    alert_threshold: Number | None = None
    tolerance: Number | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(self.targets))
        for number in (self.floor, self.alert_threshold, self.tolerance):
            if number is not None:
                _decimal(number)  # fail here, not at the first assessment
        problems = []
        ranged = self.polarity is Polarity.RANGE
        for target in self.targets:
            if ranged and target.upper is None:
                problems.append(f"the target due {_when(target.due)} needs an upper bound")
            if not ranged and target.upper is not None:
                problems.append(
                    f"the target due {_when(target.due)} has an upper bound, but only a range indicator uses one"
                )
        dues = [target.due for target in self.targets]
        for due in sorted({d for d in dues if dues.count(d) > 1}):
            problems.append(f"more than one target is due {_when(due)}")
        # One number cannot bound a range on both sides.
        if ranged and self.floor is not None:
            problems.append("a range indicator has no floor; its range and tolerance judge it")
        if ranged and self.alert_threshold is not None:
            problems.append("a range indicator has no alert threshold; set a tolerance instead")
        if self.tolerance is not None and _decimal(self.tolerance) < 0:
            problems.append("the tolerance cannot be negative")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def floor_name(self) -> str:
        return "ceiling" if self.polarity is Polarity.LOWER else "floor"


def target_in_force(targets: Iterable[Target], period_end: date) -> Target | None:
    """The earliest target due on or after the period's end; after the last
    target's date, the last target; None when there are no targets."""
    ordered = sorted(targets, key=lambda target: target.due)
    for target in ordered:
        if target.due >= period_end:
            return target
    return ordered[-1] if ordered else None


# --- assessment -------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """A period's status, the target it was judged against and why."""

    status: KpiStatus
    target: Target | None
    reason: str


def assess(rules: IndicatorRules, value: Number | None, period_end: date) -> Assessment:
    """Judge one period's value against the rules."""
    target = target_in_force(rules.targets, period_end)
    if value is None:
        return Assessment(KpiStatus.UNKNOWN, target, "no value for this period")
    shown = _shown(value)
    unit, polarity = rules.unit, rules.polarity

    if rules.floor is not None and _worse(polarity, shown, _decimal(rules.floor)):
        side = "above" if polarity is Polarity.LOWER else "below"
        reason = f"{side} the {_brief(_decimal(rules.floor), unit)} {rules.floor_name}"
        return Assessment(KpiStatus.ALERT, target, reason)

    threshold = None if rules.alert_threshold is None else _decimal(rules.alert_threshold)
    past_threshold = threshold is not None and _worse(polarity, shown, threshold)
    threshold_reason = (
        f"{'above' if polarity is Polarity.LOWER else 'below'} the {_brief(threshold, unit)} alert threshold"
        if threshold is not None
        else ""
    )

    if target is None:
        # An alert threshold stands on its own: "red only above 20%".
        if past_threshold:
            return Assessment(KpiStatus.ALERT, None, threshold_reason)
        return Assessment(KpiStatus.DATA_ONLY, None, "no target set")

    described = _describe(target, unit)
    gap, bound = _shortfall(polarity, shown, target)
    if gap <= 0:
        met = "within" if polarity is Polarity.RANGE else "meets"
        return Assessment(KpiStatus.OK, target, f"{met} {described}")

    side = "below" if shown < bound else "above"
    if threshold is not None:
        if past_threshold:
            return Assessment(KpiStatus.ALERT, target, threshold_reason)
        reason = f"{side} {described}; not past the {_brief(threshold, unit)} alert threshold"
        return Assessment(KpiStatus.WARNING, target, reason)

    tolerance = _tolerance(rules, bound)
    if gap <= tolerance:
        reason = f"{side} {described}; within {_amount(tolerance, unit)}"
        return Assessment(KpiStatus.WARNING, target, reason)
    reason = f"{side} {described} by {_amount(gap, unit)}, more than the {_amount(tolerance, unit)} allowed"
    return Assessment(KpiStatus.ALERT, target, reason)


def _worse(polarity: Polarity, value: Decimal, line: Decimal) -> bool:
    """Whether a value is on the wrong side of a floor or threshold."""
    return value > line if polarity is Polarity.LOWER else value < line


def _shortfall(polarity: Polarity, value: Decimal, target: Target) -> tuple[Decimal, Decimal]:
    """How far a value falls short of a target (0 when met), and from which bound."""
    lower = _decimal(target.value)
    if polarity is Polarity.HIGHER:
        return max(lower - value, Decimal(0)), lower
    if polarity is Polarity.LOWER:
        return max(value - lower, Decimal(0)), lower
    upper = _decimal(target.upper if target.upper is not None else target.value)
    if value < lower:
        return lower - value, lower
    if value > upper:
        return value - upper, upper
    return Decimal(0), lower


def _tolerance(rules: IndicatorRules, bound: Decimal) -> Decimal:
    if rules.tolerance is not None:
        return _decimal(rules.tolerance)
    if rules.unit is Unit.PERCENT:
        return DEFAULT_TOLERANCE_POINTS
    # A target of 0 ("no child waits") has no tolerance: any miss is an Alert.
    return abs(bound) * DEFAULT_TOLERANCE_SHARE


def _when(due: date) -> str:
    # Targets are nearly always set for a month's end, and read as the month.
    if (due + timedelta(days=1)).day == 1:
        return f"{due:%B %Y}"
    return f"{due.day} {due:%B %Y}"


def _describe(target: Target, unit: Unit) -> str:
    value = _brief(_decimal(target.value), unit)
    if target.upper is None:
        return f"the {value} target due {_when(target.due)}"
    upper = _brief(_decimal(target.upper), unit)
    return f"the {value} to {upper} target range due {_when(target.due)}"


# --- trend ------------------------------------------------------------------


def trend(
    polarity: Polarity,
    previous: Number | None,
    current: Number | None,
    *,
    target: Target | None = None,
) -> Trend:
    """This period against the last, in the light of the polarity.

    For a RANGE indicator, moving closer to the range (the current `target`)
    is improving, and any two values inside it are no change; without a
    target there is no range to move towards, so the trend is UNKNOWN.
    Values are compared as shown, to one decimal place.
    """
    if previous is None or current is None:
        return Trend.UNKNOWN
    before, now = _shown(previous), _shown(current)
    if polarity is Polarity.RANGE:
        if target is None:
            return Trend.UNKNOWN
        # Closer is better, so the distance is a LOWER-is-better measure.
        before, now = _shortfall(polarity, before, target)[0], _shortfall(polarity, now, target)[0]
        polarity = Polarity.LOWER
    if now == before:
        return Trend.NO_CHANGE
    better = now > before if polarity is Polarity.HIGHER else now < before
    return Trend.IMPROVING if better else Trend.WORSENING
