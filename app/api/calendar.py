"""Calendar feeds in iCalendar: a person's action deadlines and board meetings, and a whole plan's.

Reached by a secret address, because calendar programs cannot sign in. Every
event is all day (a due date is a day, not a moment), in Europe/London.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.api.tokens import user_for_calendar
from app.audit.exports import record_export
from app.domain.lifecycle import CLOSED_STATES
from app.extensions import db
from app.models import Action, BoardMeeting, Plan, action_leads
from app.policy import Permission, allowed, log_refusal, requires

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

TIMEZONE = "Europe/London"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Pillar//Improvement plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIMEZONE)
    return cal


def _all_day(uid: str, summary: str, day, description: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", clock.now())
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def _open_actions_query():
    return (
        select(Action)
        .where(Action.due_date.is_not(None), Action.state.not_in([s.value for s in CLOSED_STATES]))
        .order_by(Action.due_date, Action.id)
        .options(selectinload(Action.plan))
    )


def build(name: str, actions: list[Action], meetings: list[BoardMeeting]) -> bytes:
    cal = _calendar(name)
    for action in actions:
        cal.add_component(_all_day(
            f"action-{action.id}@pillar", f"Due: {action.reference} {action.title}", action.due_date,
            f"{action.plan.title}. Timescale: {action.timescale or 'not given'}.",
        ))
    for meeting in meetings:
        cal.add_component(_all_day(f"board-meeting-{meeting.id}@pillar", meeting.title, meeting.meeting_date,
                                   meeting.plan.title))
    return cal.to_ical()


def _user_or_404(secret: str):
    user = user_for_calendar(secret)
    if user is None or not allowed(user, Permission.VIEW_PLAN):
        # The same answer for a wrong and a reset address: nothing to guess from.
        log_refusal("unknown, reset or deactivated calendar address", status=404, outcome="unauthorised")
        abort(404)
    return user


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=900",
    })


def _meetings(plan_ids: set[int] | None) -> list[BoardMeeting]:
    query = select(BoardMeeting).order_by(BoardMeeting.meeting_date).options(selectinload(BoardMeeting.plan))
    if plan_ids is not None:
        query = query.where(BoardMeeting.plan_id.in_(plan_ids))
    return list(db.session.scalars(query))


@bp.route("/<secret>.ics")
@requires(Permission.PUBLIC)
def person(secret: str):
    user = _user_or_404(secret)
    actions: list[Action] = []
    if user.person is not None:
        actions = list(db.session.scalars(_open_actions_query().where(
            Action.id.in_(select(action_leads.c.action_id).where(action_leads.c.person_id == user.person.id))
        )))
    plan_ids = {action.plan_id for action in actions} or set(db.session.scalars(select(Plan.id)))
    meetings = _meetings(plan_ids)
    return _recorded(user, "mine", build(f"Pillar: {user.name}", actions, meetings), len(actions) + len(meetings),
                     "pillar-mine.ics")


@bp.route("/plan/<secret>.ics")
@requires(Permission.PUBLIC)
def plan(secret: str):
    user = _user_or_404(secret)
    actions = list(db.session.scalars(_open_actions_query()))
    meetings = _meetings(None)
    return _recorded(user, "plan", build("Pillar: improvement plan", actions, meetings), len(actions) + len(meetings),
                     "pillar-plan.ics")


def _recorded(user, calendar: str, body: bytes, events: int, filename: str) -> Response:
    # A calendar lists actions, so each fetch is an export like any other, by the address's owner.
    record_export(user, "calendar", fmt="ics", row_count=events, filters={"calendar": calendar})
    db.session.commit()
    return _ics(body, filename)
