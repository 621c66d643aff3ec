"""The JSON API, version 1: a thin layer over the plan queries and the named services."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.api import feeds, schemas
from app.api.auth import authenticate, error, init_api_auth
from app.api.registry import OPERATIONS, Param, openapi, operation
from app.audit.exports import CountedRows, actor_of, record_export, recorded_stream
from app.domain.errors import ValidationFailed
from app.domain.lifecycle import ActionState
from app.escalations import services as escalation_services
from app.escalations.queries import escalation as escalation_query
from app.escalations.queries import plan_escalations
from app.evidence import services as evidence_services
from app.extensions import csrf, db
from app.indicators.queries import plan_indicators
from app.models import Action, Evidence, Outcome, Pillar, Plan, Update
from app.plans.queries import ActionFilters, filtered_actions, plan_people, plan_requirements
from app.plans.status import request_recalculation
from app.policy import Permission, log_refusal, may_act_on_escalation, may_see_escalation, requires
from app.updates import services as update_services
from app.updates.errors import EditConflict, NotPermitted

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class BadParameter(Exception):
    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(fields.values()))


@bp.errorhandler(BadParameter)
def _bad_parameter(failure: BadParameter):
    return error(400, "bad_parameter", str(failure), failure.fields)


@bp.errorhandler(ValidationFailed)
def _invalid(failure: ValidationFailed):
    db.session.rollback()
    return error(422, "validation_failed", "The request was not valid: see fields", dict(failure.problems))


def forbidden(reason: str):
    """The API's refusal: 403 in JSON, logged as the pages' refusals are."""
    log_refusal(reason, status=403)
    return error(403, "forbidden", reason)


@bp.errorhandler(NotPermitted)
def _not_permitted(refusal: NotPermitted):
    db.session.rollback()
    return forbidden(str(refusal))


@bp.errorhandler(EditConflict)
@bp.errorhandler(StaleDataError)
def _conflict(conflict):
    db.session.rollback()
    return error(409, "conflict", "Someone else changed this first: fetch it again and reapply your change")


# The largest id a database integer column holds; a bigger number in a URL finds nothing.
MAX_ID = 2**31 - 1


def _get(model, object_id: int):
    if object_id > MAX_ID:
        return None
    return db.session.get(model, object_id)


def _not_found(what: str):
    return error(404, "not_found", f"No such {what}")


# ---- description ---------------------------------------------------------------------------------

@bp.route("/openapi.json")
@requires(Permission.PUBLIC)
def openapi_json():
    return openapi("Pillar API", "1")


@bp.route("/docs")
@requires(Permission.PUBLIC)
def docs():
    return render_template("api/docs.html", operations=OPERATIONS)


# ---- plans ---------------------------------------------------------------------------------------

def _plan_out(plan: Plan) -> schemas.PlanOut:
    return schemas.PlanOut.model_validate(plan)


@operation(bp, "/plans", summary="Every plan", permission=Permission.VIEW_PLAN, response=schemas.PlanList)
def plans():
    rows = db.session.scalars(select(Plan).order_by(Plan.id)).all()
    return schemas.PlanList(items=[_plan_out(p) for p in rows]).model_dump(mode="json")


@operation(bp, "/plans/<int:plan_id>", summary="One plan", permission=Permission.VIEW_PLAN,
           response=schemas.PlanOut)
def plan(plan_id: int):
    found = _get(Plan, plan_id)
    if found is None:
        return _not_found("plan")
    return _plan_out(found).model_dump(mode="json")


@operation(bp, "/plans/<int:plan_id>/pillars", summary="A plan's pillars", permission=Permission.VIEW_PLAN,
           response=schemas.PillarList)
def pillars(plan_id: int):
    if _get(Plan, plan_id) is None:
        return _not_found("plan")
    rows = db.session.scalars(
        select(Pillar).where(Pillar.plan_id == plan_id).order_by(Pillar.number)
        .options(selectinload(Pillar.accountable_leads))
    ).all()
    items = [schemas.PillarOut(id=p.id, plan_id=p.plan_id, number=p.number, title=p.title,
                               key_objectives=p.key_objectives,
                               accountable_lead_ids=[lead.id for lead in p.accountable_leads]) for p in rows]
    return schemas.PillarList(items=items).model_dump(mode="json")


@operation(bp, "/plans/<int:plan_id>/outcomes", summary="A plan's outcomes", permission=Permission.VIEW_PLAN,
           response=schemas.OutcomeList)
def outcomes(plan_id: int):
    if _get(Plan, plan_id) is None:
        return _not_found("plan")
    rows = db.session.scalars(
        select(Outcome).join(Pillar, Pillar.id == Outcome.pillar_id).where(Outcome.plan_id == plan_id)
        .order_by(Pillar.number, Outcome.position, Outcome.id)
    ).all()
    return schemas.OutcomeList(items=[schemas.OutcomeOut.model_validate(o) for o in rows]).model_dump(mode="json")


@operation(bp, "/plans/<int:plan_id>/people", summary="The people a plan names", permission=Permission.VIEW_PLAN,
           response=schemas.PersonList)
def people(plan_id: int):
    found = _get(Plan, plan_id)
    if found is None:
        return _not_found("plan")
    items = [schemas.PersonOut.model_validate(person) for person in plan_people(found)]
    return schemas.PersonList(items=items).model_dump(mode="json")


# ---- actions -------------------------------------------------------------------------------------

def action_out(action: Action, today: date) -> schemas.ActionOut:
    return schemas.ActionOut(
        id=action.id, plan_id=action.plan_id, pillar_id=action.pillar_id, outcome_id=action.outcome_id,
        reference=action.reference, title=action.title, timescale=action.timescale,
        start_date=action.start_date, due_date=action.due_date, state=action.state, proposed_rag=action.rag,
        effective_rag=action.effective_rag(today).rag.value, overdue=action.is_overdue(today),
        delivery_lead_ids=[lead.id for lead in action.delivery_leads], version=action.version,
    )


def _date_arg(name: str, problems: dict[str, str]) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems[name] = f"'{raw}' is not a date: use YYYY-MM-DD"
        return None


def _limit(problems: dict[str, str]) -> int:
    raw = (request.args.get("limit") or "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        problems["limit"] = f"limit must be a whole number from 1 to {MAX_LIMIT}"
        return DEFAULT_LIMIT
    return int(raw)


# The documented order of the action list: due date (actions without one last), then position in
# the plan, then id; a cursor carries the last row's values of all three (keyset pagination, read
# from ix_actions_plan_due_order whatever page a client has reached).
ACTION_ORDER = (Action.due_date.asc().nulls_last(), Action.position, Action.id)


@dataclass(frozen=True)
class Cursor:
    due_date: date | None
    position: int
    id: int


def encode_cursor(action: Action) -> str:
    after = [action.due_date.isoformat() if action.due_date else None, action.position, action.id]
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cursor(problems: dict[str, str]) -> Cursor | None:
    raw = (request.args.get("cursor") or "").strip()
    if not raw:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        due, position, last_id = decoded["after"]
        if not (_whole(position) and _whole(last_id) and (due is None or isinstance(due, str))):
            raise TypeError
        return Cursor(date.fromisoformat(due) if due is not None else None, position, last_id)
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        problems["cursor"] = "cursor is not one this API gave out: start again without it"
        return None


def _after(cursor: Cursor, dated_only: bool):
    """The rows after the cursor in ACTION_ORDER."""
    rest = tuple_(Action.position, Action.id) > tuple_(cursor.position, cursor.id)
    if cursor.due_date is None:
        return and_(Action.due_date.is_(None), rest)
    later = tuple_(Action.due_date, Action.position, Action.id) > tuple_(cursor.due_date, cursor.position, cursor.id)
    # Without undated rows to reach, the row comparison alone bounds the index scan.
    return later if dated_only else or_(later, Action.due_date.is_(None))


_ACTION_QUERY = (
    Param("pillar", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "Pillar number"),
    Param("lead", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "Person id of a delivery lead"),
    Param("rag", {"type": "string", "enum": ["not_started", "green", "amber", "red", "complete"]},
          "Effective RAG"),
    Param("state", {"type": "string", "enum": [state.value for state in ActionState]}, "Action state"),
    Param("overdue", {"type": "string", "enum": ["yes", "no"]}, "Only overdue actions"),
    Param("due_before", {"type": "string", "format": "date"}, "Due on or before this date"),
    Param("due_after", {"type": "string", "format": "date"}, "Due on or after this date"),
    Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Page size"),
    Param("cursor", {"type": "string"}, "The cursor from the previous page's next link"),
)


@operation(bp, "/plans/<int:plan_id>/actions",
           summary="A plan's actions, filtered, a page at a time, by due date (none last), position and id",
           permission=Permission.VIEW_PLAN, response=schemas.ActionPage, query=_ACTION_QUERY)
def actions(plan_id: int):
    found = _get(Plan, plan_id)
    if found is None:
        return _not_found("plan")
    problems: dict[str, str] = {}
    for name in ("pillar", "lead"):
        raw = (request.args.get(name) or "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID):
            problems[name] = f"'{raw}' is not a valid {name}"
    if problems:
        raise BadParameter(problems)
    filters = ActionFilters.from_args(request.args)
    problems.update(filters.problems)
    due_before, due_after = _date_arg("due_before", problems), _date_arg("due_after", problems)
    limit, after = _limit(problems), _cursor(problems)
    if problems:
        raise BadParameter(problems)
    today = clock.today()
    query = filtered_actions(found, filters, today).order_by(None).order_by(*ACTION_ORDER)
    if due_before is not None:
        query = query.where(Action.due_date <= due_before)
    if due_after is not None:
        query = query.where(Action.due_date >= due_after)
    if after is not None:
        dated_only = bool(filters.overdue) or due_before is not None or due_after is not None
        query = query.where(_after(after, dated_only))
    rows = db.session.scalars(query.limit(limit + 1)).all()
    page, more = rows[:limit], len(rows) > limit
    next_url = None
    if more:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for("api.actions", plan_id=plan_id, **args, cursor=encode_cursor(page[-1]), _external=True)
    return schemas.ActionPage(items=[action_out(a, today) for a in page], next=next_url).model_dump(mode="json")


@operation(bp, "/actions/<int:action_id>", summary="One action", permission=Permission.VIEW_PLAN,
           response=schemas.ActionOut)
def action(action_id: int):
    found = _get(Action, action_id)
    if found is None:
        return _not_found("action")
    return action_out(found, clock.today()).model_dump(mode="json")


@operation(bp, "/actions/<int:action_id>/updates", summary="An action's updates, newest period first",
           permission=Permission.VIEW_PLAN, response=schemas.UpdateList)
def updates(action_id: int):
    if _get(Action, action_id) is None:
        return _not_found("action")
    rows = db.session.scalars(select(Update).where(Update.action_id == action_id).order_by(Update.period.desc())).all()
    return schemas.UpdateList(items=[schemas.UpdateOut.model_validate(u) for u in rows]).model_dump(mode="json")


@operation(bp, "/actions/<int:action_id>/updates", method="POST",
           summary="Post this period's update, or revise it (the action's delivery leads)",
           permission=Permission.POST_UPDATE, response=schemas.UpdateOut, body=schemas.UpdateIn,
           statuses={409: "This period's update changed since expected_version", 422: "The update is not valid"})
def post_update(action_id: int):
    found = _get(Action, action_id)
    if found is None:
        return _not_found("action")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error(400, "bad_request", "Send a JSON object")
    try:
        data = schemas.UpdateIn.model_validate(payload)
    except ValidationError as invalid:
        return _invalid_body(invalid)
    update = update_services.post_update(
        found, current_user,
        update_services.UpdateInput(proposed_rag=data.proposed_rag, commentary=data.commentary,
                                    outstanding_actions=data.outstanding_actions, risks=data.risks),
        expected_version=data.expected_version, today=clock.today(),
    )
    request_recalculation([found.id])  # in this transaction: sent through the outbox once it commits
    db.session.commit()
    current_app.logger.info("update posted through the API", extra={"action_id": found.id})
    return schemas.UpdateOut.model_validate(update).model_dump(mode="json"), 201


@bp.after_request
def _no_session_cookie(response):
    # A token, never a cookie, signs an API request in, so the answer hands out no session.
    session.modified = False
    return response


bp.record_once(lambda state: init_api_auth(state.app))
# Registered on the app when the blueprint is, so it runs before the access check.
bp.before_app_request(authenticate)


# ---- data feeds ----------------------------------------------------------------------------------

@operation(bp, "/feeds/<table>.<fmt>", summary="A flat table for Excel and Power BI, as CSV or JSON",
           permission=Permission.VIEW_PLAN, response=None, media_type="text/csv",
           path_enums={"table": list(feeds.TABLES), "fmt": ["csv", "json"]})
def feed(table: str, fmt: str):
    if table not in feeds.TABLES or fmt not in ("csv", "json"):
        return _not_found("feed")
    columns, all_rows = feeds.TABLES[table](clock.today(), current_user)
    rows, actor = CountedRows(all_rows), actor_of(current_user)
    chunks = feeds.json_chunks(columns, rows) if fmt == "json" else feeds.csv_chunks(columns, rows)
    body = stream_with_context(recorded_stream(
        chunks, rows,
        lambda count, complete: record_export(actor, "feed", fmt=fmt, row_count=count, filters={"table": table},
                                              complete=complete),
    ))
    if fmt == "json":
        return Response(body, mimetype="application/json")
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="pillar-{table}.csv"'})


# ---- requirements, indicators, escalations, evidence -----------------------------------------------

@operation(bp, "/plans/<int:plan_id>/requirements", summary="A plan's requirements and the actions that answer them",
           permission=Permission.VIEW_PLAN, response=schemas.RequirementList)
def requirements(plan_id: int):
    found = _get(Plan, plan_id)
    if found is None:
        return _not_found("plan")
    items = [
        schemas.RequirementOut(id=r.id, kind=r.kind, number=r.number, text=r.text, urgency=r.urgency,
                               due_date=r.due_date, action_ids=[a.id for a in r.actions], covered=bool(r.actions))
        for r in plan_requirements(found)
    ]
    return schemas.RequirementList(items=items).model_dump(mode="json")


def _number(value) -> float | None:
    return None if value is None else float(value)


@operation(bp, "/plans/<int:plan_id>/indicators", summary="A plan's indicators with each period's value, status "
           "and trend", permission=Permission.VIEW_PLAN, response=schemas.IndicatorList)
def indicators(plan_id: int):
    found = _get(Plan, plan_id)
    if found is None:
        return _not_found("plan")
    items = []
    for summary in plan_indicators(found, clock.today()):
        indicator = summary.indicator
        values = [
            schemas.IndicatorValueOut(
                period=p.period, value=_number(p.value),
                numerator=_number(p.record.numerator) if p.record else None,
                denominator=_number(p.record.denominator) if p.record else None,
                status=p.assessment.status.value, trend=p.trend.value,
                commentary=p.record.commentary if p.record else None,
            )
            for p in summary.series
        ]
        items.append(schemas.IndicatorOut(id=indicator.id, plan_id=indicator.plan_id, code=indicator.code,
                                          title=indicator.title, unit=indicator.unit, polarity=indicator.polarity,
                                          values=values))
    return schemas.IndicatorList(items=items).model_dump(mode="json")


@operation(bp, "/plans/<int:plan_id>/escalations", summary="The plan's escalations this user may see",
           permission=Permission.VIEW_PLAN, response=schemas.EscalationList)
def escalations(plan_id: int):
    if _get(Plan, plan_id) is None:
        return _not_found("plan")
    rows = [e for e in plan_escalations(plan_id, None, None, None) if may_see_escalation(current_user, e)]
    return schemas.EscalationList(items=[schemas.EscalationOut.model_validate(e) for e in rows]).model_dump(mode="json")


DECISIONS = ["acknowledge", "respond", "revise", "refer", "resolve"]


@operation(bp, "/escalations/<int:escalation_id>/<decision>", method="POST",
           summary="A director's decision on an escalation: acknowledge, respond, revise (the due date), refer "
           "(to the board) or resolve", permission=Permission.ESCALATION_INBOX, response=schemas.EscalationOut,
           body=schemas.DecisionIn, path_enums={"decision": DECISIONS},
           statuses={409: "Someone else changed the escalation first", 422: "The decision is not valid now"})
def decide_escalation(escalation_id: int, decision: str):
    found = escalation_query(escalation_id) if escalation_id <= MAX_ID else None
    if found is None or decision not in DECISIONS:
        return _not_found("escalation")
    # Refused alike whether or not the user may see it, as the escalation's page refuses them.
    if not may_act_on_escalation(current_user, found):
        return forbidden("Only the pillar's accountable director decides on this escalation")
    payload = request.get_json(silent=True)
    try:
        data = schemas.DecisionIn.model_validate(payload if isinstance(payload, dict) else {})
    except ValidationError as invalid:
        return _invalid_body(invalid)
    today = clock.today()
    if decision == "acknowledge":
        escalation_services.acknowledge(found, current_user)
    elif decision == "respond":
        escalation_services.respond(found, current_user, data.text)
    elif decision == "revise":
        escalation_services.agree_revised_date(found, current_user, data.revised_due_date, data.text, today)
    elif decision == "refer":
        found = escalation_services.refer_to_board(found, current_user, data.text, today)
    else:
        escalation_services.resolve(found, current_user, data.text, today)
    action_id = found.action_id
    request_recalculation([action_id])  # before the commit, or the request would be lost with the session
    db.session.commit()
    return schemas.EscalationOut.model_validate(found).model_dump(mode="json"), 201


def _invalid_body(invalid: ValidationError):
    fields = {".".join(str(p) for p in problem["loc"]) or "": problem["msg"] for problem in invalid.errors()}
    return error(422, "validation_failed", "The request was not valid: see fields", fields)


@operation(bp, "/actions/<int:action_id>/evidence", summary="An action's evidence files",
           permission=Permission.VIEW_PLAN, response=schemas.EvidenceList)
def evidence(action_id: int):
    if _get(Action, action_id) is None:
        return _not_found("action")
    rows = db.session.scalars(
        select(Evidence).where(Evidence.action_id == action_id, Evidence.deleted_at.is_(None))
        .order_by(Evidence.uploaded_at, Evidence.id)
    ).all()
    return schemas.EvidenceList(items=[schemas.EvidenceOut.model_validate(e) for e in rows]).model_dump(mode="json")


@bp.errorhandler(evidence_services.TooLarge)
def _too_large(failure):
    db.session.rollback()
    limit = evidence_services.describe_size(current_app.config["EVIDENCE_MAX_BYTES"])
    return error(413, "too_large", f"Evidence files can be up to {limit}")


@operation(bp, "/actions/<int:action_id>/evidence", method="POST",
           summary="Upload an evidence file (the action's delivery leads)", permission=Permission.POST_UPDATE,
           response=schemas.EvidenceOut, file_field="file",
           statuses={413: "The file is too large", 422: "The file is missing or of a kind not accepted"})
def upload_evidence(action_id: int):
    found = _get(Action, action_id)
    if found is None:
        return _not_found("action")
    upload = request.files.get("file")
    kept = evidence_services.upload_evidence(found, current_user, upload.stream if upload else None,
                                             upload.filename if upload else None)
    db.session.commit()
    return schemas.EvidenceOut.model_validate(kept).model_dump(mode="json"), 201
