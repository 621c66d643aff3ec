"""The shapes the API reads and writes, as pydantic models: the OpenAPI description is built from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

LONDON = ZoneInfo("Europe/London")


def _london(value: datetime) -> datetime:
    # Times are stored as London wall-clock time; say so, as RFC 3339 requires an offset.
    return value.replace(tzinfo=LONDON) if value.tzinfo is None else value


LondonDateTime = Annotated[datetime, AfterValidator(_london)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Error(BaseModel):
    status: int
    code: str
    message: str
    fields: dict[str, str] | None = None


class PlanOut(_Out):
    id: int
    title: str
    organisation: str | None
    board_name: str | None
    start_date: date | None
    review_date: date | None
    cadence: str


class PlanList(BaseModel):
    items: list[PlanOut]


class PillarOut(_Out):
    id: int
    plan_id: int
    number: int
    title: str
    key_objectives: str | None
    accountable_lead_ids: list[int]


class PillarList(BaseModel):
    items: list[PillarOut]


class OutcomeOut(_Out):
    id: int
    plan_id: int
    pillar_id: int
    reference: str
    statement: str


class OutcomeList(BaseModel):
    items: list[OutcomeOut]


class ActionOut(_Out):
    id: int
    plan_id: int
    pillar_id: int
    outcome_id: int | None
    reference: str
    title: str
    timescale: str | None
    start_date: date | None
    due_date: date | None
    state: str
    proposed_rag: str
    effective_rag: str
    overdue: bool
    delivery_lead_ids: list[int]
    version: int


class ActionPage(BaseModel):
    items: list[ActionOut]
    next: str | None = Field(description="The address of the next page, or null on the last page")


class UpdateOut(_Out):
    id: int
    action_id: int
    period: date
    proposed_rag: str
    effective_rag: str
    commentary: str
    outstanding_actions: str | None
    risks: str | None
    author_user_id: int | None
    version: int
    created_at: LondonDateTime


class UpdateList(BaseModel):
    items: list[UpdateOut]


class UpdateIn(BaseModel):
    # The services check these again; saying them here lets clients validate before sending.
    proposed_rag: Literal["green", "amber", "red", "not_started"]
    commentary: str = Field(pattern=r"\S", max_length=10_000, description="Key activity in the period")
    outstanding_actions: str = Field("", max_length=10_000)
    risks: str = Field("", max_length=10_000)
    expected_version: int = Field(
        0, ge=0, description="The version of this period's update the change is based on; 0 when there is none"
    )


class PersonOut(_Out):
    id: int
    name: str
    job_title: str | None
    organisation: str | None


class PersonList(BaseModel):
    items: list[PersonOut]


class RequirementOut(BaseModel):
    id: int
    kind: str
    number: str
    text: str
    urgency: str | None
    due_date: date | None
    action_ids: list[int]
    covered: bool = Field(description="At least one action answers it")


class RequirementList(BaseModel):
    items: list[RequirementOut]


class IndicatorValueOut(BaseModel):
    period: date
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str
    trend: str
    commentary: str | None


class IndicatorOut(BaseModel):
    id: int
    plan_id: int
    code: str
    title: str
    unit: str
    polarity: str
    values: list[IndicatorValueOut]


class IndicatorList(BaseModel):
    items: list[IndicatorOut]


class EscalationOut(_Out):
    id: int
    plan_id: int
    action_id: int
    level: int
    trigger: str
    state: str
    raised_on: date
    cycle_due_date: date
    revised_due_date: date | None
    response: str | None
    resolved_on: date | None
    acknowledged_at: LondonDateTime | None


class EscalationList(BaseModel):
    items: list[EscalationOut]


class EvidenceOut(_Out):
    id: int
    action_id: int
    update_id: int | None
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: LondonDateTime


class EvidenceList(BaseModel):
    items: list[EvidenceOut]


class DecisionIn(BaseModel):
    text: str = Field("", max_length=10_000,
                      description="The response (respond), the reason (revise) or the note (refer, resolve)")
    revised_due_date: date | None = Field(None, description="The agreed new due date (revise)")
