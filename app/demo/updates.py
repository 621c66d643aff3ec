"""A few months of progress updates for the demo plan, written by its delivery leads.

Kept apart from the plan loader: the plan comes from the JSON file, the
updates are made relative to today so the demo always has a recent history.
Loading again adds nothing once the plan has any update.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.domain.lifecycle import ActionState
from app.domain.periods import period_end, period_start, previous_period
from app.domain.rag import Rag, effective_rag
from app.extensions import db
from app.models import Action, Plan, Update

#: How many past periods of updates the demo holds, before the current one.
PAST_PERIODS = 3

# A plausible path to each action's current rating, oldest period first.
_PATHS = {
    Rag.GREEN: (Rag.AMBER, Rag.GREEN, Rag.GREEN),
    Rag.AMBER: (Rag.GREEN, Rag.AMBER, Rag.AMBER),
    Rag.RED: (Rag.AMBER, Rag.AMBER, Rag.RED),
}

_COMMENTARY = {
    Rag.GREEN: (
        "Work is on plan. The {title_lower} steps agreed last month are done and signed off by the service manager.",
        "Progress reviewed at the workstream meeting; the milestones for this period were met.",
        "Audit of a sample of 20 cases shows the new practice standard being followed in 18.",
    ),
    Rag.AMBER: (
        "Some slippage: two of the planned sessions moved to next month because of staff sickness.",
        "Draft completed but consultation with partners took longer than planned.",
        "Recruitment to the two vacant posts is still open; agency cover is in place.",
    ),
    Rag.RED: (
        "The due date will be missed: the case management system change has not been released.",
        "Caseloads rose again after a spike in referrals; the target is not being met.",
    ),
}

_OUTSTANDING = {
    Rag.GREEN: "Keep the monthly review in the diary; report figures to the next board.",
    Rag.AMBER: "Rearrange the postponed sessions; chase partner comments by the 15th.",
    Rag.RED: "Agree a revised date with the director; escalate the system change to the ICS project board.",
}

_RISKS = {
    Rag.GREEN: "None new this period.",
    Rag.AMBER: "Staff turnover in the team; mitigated by agency cover and a retention payment.",
    Rag.RED: "Delay affects the Improvement Notice target; mitigation is a manual workaround from next week.",
}


def _pick(options: tuple[str, ...], action: Action, index: int) -> str:
    # Deterministic, so loading the demo on two machines gives the same history.
    return options[(action.position + index) % len(options)]


def load_demo_updates(plan: Plan, today: date) -> int:
    """Add the demo's update history to ``plan``; returns how many updates were added."""
    already = db.session.scalar(
        select(exists().where(Update.action_id == Action.id, Action.plan_id == plan.id))
    )
    if already:
        return 0
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.state == ActionState.IN_PROGRESS.value)
        .order_by(Action.position)
        .options(selectinload(Action.delivery_leads))
    ).all()
    current = period_start(today, plan.cadence)
    periods = [current]
    for _ in range(PAST_PERIODS):
        periods.insert(0, previous_period(periods[0], plan.cadence))
    periods = periods[:-1]  # the current period's update is still owed: that is what leads come to do
    added = 0
    for action in actions:
        path = _PATHS.get(Rag(action.rag))
        if path is None:
            continue
        author = next((lead.user for lead in action.delivery_leads if lead.user is not None), None)
        for index, (period, rag) in enumerate(zip(periods, path, strict=True)):
            if action.start_date is not None and action.start_date > period:
                continue
            shown = effective_rag(rag, action.due_date, period_end(period, plan.cadence))
            db.session.add(Update(
                action_id=action.id,
                period=period,
                proposed_rag=rag.value,
                effective_rag=shown.rag.value,
                effective_rag_reason=shown.reason,
                commentary=_pick(_COMMENTARY[rag], action, index).format(title_lower=action.title.lower()[:80]),
                outstanding_actions=_OUTSTANDING[rag],
                risks=_RISKS[rag],
                author_user_id=author.id if author is not None else None,
            ))
            added += 1
    db.session.flush()
    return added
