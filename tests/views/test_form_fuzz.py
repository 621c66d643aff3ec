"""Hypothesis posts hostile input to every HTML form, as a user allowed to use it: arbitrary unicode,
very long text, blanks, numbers out of range, impossible dates, files where text belongs (and text
where a file belongs), repeated, missing and extra fields. No answer is ever a server error, and a
form a person fills in that refuses what was sent says why in an error summary.

Run on SQLite only, with a fixed number of examples and derandomised, so CI repeats it exactly;
the API's operations get the same treatment from schemathesis (tests/api/test_openapi_conformance.py).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, given, note, seed, settings
from hypothesis import strategies as st

from app.domain.roles import Role
from tests import factories
from tests.samples import CSV, PDF, docx, png

# A deeper search, now and then: PILLAR_FUZZ_EXAMPLES=500 PILLAR_FUZZ_SEED=7 (a seed replaces derandomising).
EXAMPLES_PER_FORM = int(os.environ.get("PILLAR_FUZZ_EXAMPLES", "20"))
SEED = os.environ.get("PILLAR_FUZZ_SEED")

# ---- what a hostile user types ---------------------------------------------------------------------

AWKWARD = [
    "", " ", "\t\r\n ", "\u00a0", "\u200b\u200d\ufeff", "0", "-1", "-0", "1e309", "NaN", "inf", "0x1A", "1,200",
    "64.2%", "99999999999999999999999", "2147483648", "9223372036854775808", "²", "١٢", "Ⅻ", "½",
    "31/02/2026", "2026-02-31", "31 2 2026", "29 2 2027", "00/00/0000", "2026-13-01", "1/1/1", "-2026-01-01",
    "<script>alert(1)</script>", "' OR '1'='1' --", "%s%s%n", "{{ 7*7 }}", "${jndi:x}", "\x00", "\x1b[2J",
    "../../../../etc/passwd", "=HYPERLINK(\"http://x\")", "🚀🚀🚀", "Ǆǅǆ", "İstanbul", "ß", "\u202etxt.exe",
]


def _long() -> st.SearchStrategy[str]:
    # Around the 10,000-character limits the services enforce, in one- and four-byte characters.
    return st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "é", "🚀", " ", "\n"]),
                     st.sampled_from([201, 301, 5001, 10_000, 10_001, 20_000]))


def text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.text(max_size=40),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        _long(),
    )


FILE_NAMES = ["evidence.pdf", "minutes.docx", "plan.xlsx", "values.csv", "photo.png", "noextension", ".pdf",
              "../../etc/passwd.pdf", "a" * 300 + ".pdf", "macro.docm", "tool.exe", "plan.xls", "", "évidence.PDF"]


def files() -> st.SearchStrategy[tuple]:
    content = st.one_of(st.binary(max_size=600), st.sampled_from([PDF, CSV, b"", docx(), png(), b"PK\x03\x04junk"]))
    name = st.one_of(st.sampled_from(FILE_NAMES), st.text(max_size=20))
    return st.builds(lambda data, filename: (io.BytesIO(data), filename), content, name)


def value(typical: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """A field's value: what the field expects, anything typed, the field twice, or a file."""
    one = st.one_of(typical, text()) if typical is not None else text()
    return st.one_of(one, one, st.lists(one, min_size=2, max_size=3), files())


def choice(*options: str) -> st.SearchStrategy:
    return value(st.sampled_from(options))


def day_month_year() -> st.SearchStrategy:
    """The three boxes of a GOV.UK date input, well or badly filled."""
    part = st.one_of(st.integers(min_value=-5, max_value=40).map(str), st.sampled_from(["2026", "2027", "1", "12"]),
                     text())
    impossible = st.sampled_from([["31", "2", "2026"], ["29", "2", "2027"], ["31", "4", "2027"], ["0", "0", "0"],
                                  ["1", "1", "99999"], ["1", "1", "0001"], ["15", "6", "2027"]])
    return st.one_of(impossible, st.lists(part, min_size=0, max_size=4), value())


def a_file() -> st.SearchStrategy:
    return st.one_of(files(), files(), text(), st.lists(files(), min_size=2, max_size=2))


FORGED = ["rag", "state", "action_id", "pillar_id", "plan_id", "role", "user_id", "owner", "delivery_leads",
          "author_user_id", "version", "requested_by_id", "active", "session_version"]


def extra_fields() -> st.SearchStrategy[dict]:
    name = st.one_of(st.sampled_from(FORGED), st.text(min_size=1, max_size=12)).filter(lambda n: n != "csrf_token")
    return st.dictionaries(name, value(), max_size=3)


def json_values() -> st.SearchStrategy[dict]:
    """JSON where a form belongs: numbers, nulls, lists and objects under the form's own names too."""
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10))
    nested = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                          max_leaves=6)
    return st.dictionaries(st.one_of(st.sampled_from(FORGED + ["title", "reason", "body", "note", "name", "email"]),
                                     st.text(max_size=8)), nested, max_size=3)


# ---- the forms --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    """A form, who may use it, and a strategy for each of its fields (any may be left out)."""

    path: str
    persona: str
    fields: dict = field(default_factory=dict)
    # A form a person fills in must explain a refusal in an error summary; a button (no fields to fill)
    # has nothing to point at, so only "no server error" is asked of it.
    filled_in: bool = True
    signs_out: bool = False
    renews_session: bool = False  # a success starts a new session, with a new form token


RAGS = ("green", "amber", "red", "not_started", "complete")
STATES = ("not_started", "in_progress", "awaiting_sign_off", "complete", "complete_monitoring", "cancelled")
VERSION = value(st.sampled_from(["0", "1", "2", "-1", "", "abc", "99999999999999999999"]))

# endpoint -> the forms it answers. The test below fails when an HTML route that takes POST is missing.
FORMS: dict[str, tuple[Form, ...]] = {
    "auth.sign_in": (Form("/sign-in", "anonymous", {"email": value(st.sampled_from(["viewer@example.org"])),
                                                   "password": value()}),),
    "auth.sign_out": (Form("/sign-out", "viewer", filled_in=False, signs_out=True),),
    "account.change_own_password": (Form("/profile/password", "viewer", {
        "current_password": value(st.just(factories.PASSWORD)), "new_password": value()}, renews_session=True),),
    "admin.users": (Form("/admin/users", "admin", {
        "name": value(), "email": value(st.emails()), "role": choice(*(role.value for role in Role)),
        "password": value(st.just("a perfectly long passphrase"))}),),
    "admin.change_user_role": (Form("/admin/users/{other_user}/role", "admin", {
        "role": choice(*(role.value for role in Role))}),),
    "admin.deactivate_user": (Form("/admin/users/{other_user}/deactivate", "admin", filled_in=False),),
    "imports.new": (Form("/admin/import", "admin", {
        "upload": a_file(), "pasted": value(st.sampled_from(["Reference\tAction\n1.1.1\tAudit files",
                                                             "Reference,Action,Due date\n1.1.1,Audit,31/02/2026"])),
        "plan_title": value(), "sheet": value()}),),
    "imports.preview": (Form("/admin/import/{import_token}", "admin", {
        **{f"column_{n}": choice("reference", "title", "due_date", "leads", "rag", "") for n in range(3)},
        "column_²": value(), "column_99999999999999999999": choice("title")}),),
    "indicators.enter_value": (Form("/indicators/{indicator}/values", "officer", {
        "period": choice("2026-10", "2026-11", "2024-11", "2026-13", "1999-01"), "value": value(),
        "numerator": value(), "denominator": value(), "commentary": value()}),),
    "indicators.import_file": (Form("/plans/{plan}/indicators/import", "officer", {
        "file": st.one_of(a_file(), st.builds(
            lambda rows, name: (io.BytesIO(("code,period,value,numerator,denominator,commentary\n" + rows)
                                           .encode("utf-8", "replace")), name),
            st.lists(st.lists(text(), min_size=0, max_size=7).map(lambda cells: ",".join(cells)), max_size=4)
            .map("\n".join), st.sampled_from(["values.csv", "values.xlsx", "values.txt"])))}),),
    "updates.post_update": (Form("/actions/{action}/update", "lead", {
        "proposed_rag": choice(*RAGS), "commentary": value(st.just("Caseloads fell to 18")),
        "outstanding_actions": value(), "risks": value(), "file": a_file(), "base_version": VERSION}),),
    "updates.claim_completion": (Form("/actions/{action}/complete", "lead", {
        "note": value(st.just("Delivered")), "evidence": value(), "base_version": VERSION}),),
    "updates.sign_off": (Form("/actions/{awaiting}/sign-off", "director", {
        "decision": choice("sign_off", "sign_off_monitoring", "send_back"), "reason": value(),
        "base_version": VERSION}),),
    "updates.reopen": (Form("/actions/{cancelled}/reopen", "director", {"reason": value(), "base_version": VERSION}),),
    "updates.cancel": (Form("/actions/{action}/cancel", "director", {"reason": value(), "base_version": VERSION}),),
    "updates.comment": (Form("/actions/{action}/comment", "director", {"body": value()}),),
    "evidence.upload": (Form("/actions/{action}/evidence", "lead", {"file": a_file()}),),
    "evidence.remove": (Form("/evidence/{evidence}/remove", "admin", {"reason": value()}),),
    "escalations.decide": (
        Form("/escalations/{escalation}/acknowledge", "director", filled_in=False),
        Form("/escalations/{escalation}/respond", "director", {"respond-response": value()}),
        Form("/escalations/{escalation}/revise", "director", {
            "revise-revised_due_date": day_month_year(), "revise-reason": value()}),
        Form("/escalations/{escalation}/refer", "director", {"refer-note": value()}),
        Form("/escalations/{escalation}/resolve", "director", {"resolve-note": value()}),
        Form("/escalations/{escalation}/{decision}", "director", {"decision": value()}, filled_in=False),
    ),
    "board.add_meeting": (Form("/plans/{plan}/board/meetings", "secretary", {
        "meeting_date": day_month_year(), "title": value(st.just("Improvement board")), "notes": value()}),),
    "board.remind": (Form("/plans/{plan}/board/meetings/{meeting}/remind", "secretary", filled_in=False),),
    "board.freeze": (Form("/plans/{plan}/board/meetings/{meeting}/freeze", "secretary", filled_in=False),),
    # Its fields are hidden, copied from the page that offers the large export: only tampering changes them.
    "board.queue_export": (Form("/plans/{plan}/exports", "viewer", {
        "format": choice("csv", "xlsx", "pdf", "docx"), "snapshot": choice("{snapshot}", "0", "²"),
        "pillar": choice("1", "2"), "lead": choice("1"), "rag": choice(*RAGS), "state": choice(*STATES),
        "overdue": choice("yes", "no")}, filled_in=False),),
    "journeys.keep_alive": (Form("/session/keep-alive", "viewer", filled_in=False),),
    "profile.create_token": (Form("/profile/tokens", "viewer", {"name": value(st.just("Power BI"))}),),
    "profile.revoke_token": (Form("/profile/tokens/{own_token}/revoke", "viewer", filled_in=False),),
    "profile.reset_calendar": (Form("/profile/calendar", "viewer", filled_in=False),),
}

REFUSED_WITH_A_REASON = {400, 401, 409, 413, 422, 429}


def test_the_fuzz_table_names_every_form_the_application_serves(app):
    html_posts = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert html_posts - set(FORMS) == set(), "add the form to FORMS with a strategy for each of its fields"
    assert set(FORMS) - html_posts == set()


@pytest.fixture
def fuzz_world(app, tmp_path):
    from app.api.tokens import create_token
    from app.board import services as board_services
    from app.evidence.services import upload_evidence
    from app.extensions import db
    from app.imports.jobs import save_upload
    from app.models import Escalation
    from tests import indicator_factories

    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    users = {name: factories.user(role, email=f"{name}@example.org") for name, role in (
        ("admin", Role.ADMINISTRATOR), ("lead", Role.DELIVERY_LEAD), ("director", Role.DIRECTOR),
        ("secretary", Role.BOARD_SECRETARY), ("officer", Role.PERFORMANCE_OFFICER), ("viewer", Role.VIEWER),
    )}
    plan = factories.plan()
    pillar = factories.pillar(plan, 1, leads=[factories.person("Dana", user=users["director"])])
    outcome = factories.outcome(pillar, "1.1")
    lead = factories.person("Lynn", user=users["lead"])
    action = factories.action(outcome, "1.1.1", due=date(2026, 11, 2), leads=[lead])
    awaiting = factories.action(outcome, "1.1.2", state="awaiting_sign_off", leads=[lead])
    cancelled = factories.action(outcome, "1.1.3", state="cancelled", leads=[lead])
    evidence = upload_evidence(action, users["lead"], io.BytesIO(PDF), "audit.pdf")
    escalation = Escalation(plan_id=plan.id, action_id=action.id, level=2, trigger="overdue",
                            cycle_due_date=action.due_date, raised_on=date(2026, 11, 9))
    db.session.add(escalation)
    indicator = indicator_factories.indicator(plan, values={"2026-09": 58})
    meeting = board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 11, 30), title="Board")
    snapshot = board_services.freeze_snapshot(
        plan=plan, meeting=board_services.add_board_meeting(plan=plan, meeting_date=date(2026, 10, 26), title="Oct"),
        actor=users["secretary"])
    token, _secret = create_token(users["viewer"], "mine")
    db.session.commit()
    return {
        "users": users, "plan": plan.id, "action": action.id, "awaiting": awaiting.id, "cancelled": cancelled.id,
        "evidence": evidence.id, "escalation": escalation.id, "indicator": indicator.id, "meeting": meeting.id,
        "snapshot": snapshot.id, "own_token": token.id, "other_user": factories.user(Role.VIEWER).id,
        "import_token": save_upload(b"Reference,Action,Due date\n1.1.1,Audit files,31/12/2026\n", "plan.csv").token,
    }


def _signed_in(app, world: dict, persona: str):
    from tests.conftest import Auth, csrf_from

    client = app.test_client()
    if persona == "anonymous":
        return client, csrf_from(client.get("/sign-in").get_data(as_text=True))
    assert Auth(client).sign_in(world["users"][persona].email).status_code == 302
    return client, csrf_from(client.get("/accessibility").get_data(as_text=True))


def _describe(body: dict) -> str:
    """The post in a failure report: long text and files summarised."""
    def short(value):
        if isinstance(value, list):
            return [short(item) for item in value]
        if isinstance(value, tuple):
            return f"<file {value[1]!r}, {len(value[0].getvalue())} bytes>"
        return value if len(value) < 80 else f"{value[:40]!r}... ({len(value)} characters)"

    return repr({name: short(value) for name, value in body.items() if name != "csrf_token"})


def _fill(template: str, world: dict) -> str:
    return template.format(**{key: value for key, value in world.items() if key != "users"},
                           decision="{decision}")


@pytest.mark.parametrize("backend", ["sqlite"], scope="session")
@pytest.mark.parametrize("form", [pytest.param(form, id=form.path) for forms in FORMS.values() for form in forms])
def test_no_hostile_post_to_a_form_is_a_server_error_and_a_refusal_says_why(app, fuzz_world, form):
    world = fuzz_world
    path = _fill(form.path, world)
    session = {}

    def sign_in():
        session["client"], session["csrf"] = _signed_in(app, world, form.persona)

    sign_in()
    from tests.conftest import csrf_from

    fields = st.fixed_dictionaries({}, optional={name: strategy for name, strategy in form.fields.items()})

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, derandomize=SEED is None,
              suppress_health_check=list(HealthCheck))
    @given(data=fields, extra=extra_fields(), as_json=st.booleans(), json_extra=json_values())
    def post(data, extra, as_json, json_extra):
        target = path
        if "{decision}" in target:  # the decision itself is what is fuzzed
            chosen = data.pop("decision", "")
            target = target.replace("{decision}", str(chosen if isinstance(chosen, str) else "x").strip("/") or "x")
        body = {**extra, **{k: (str(world["snapshot"]) if v == "{snapshot}" else v) for k, v in data.items()},
                "csrf_token": session["csrf"]}
        if as_json:
            # What a script might send instead of a form: JSON, with the token in the header.
            token = body.pop("csrf_token")
            body = {name: (v[1] if isinstance(v, tuple) else v) for name, v in body.items() if not isinstance(v, list)}
            body.update(json_extra)
            note(f"POST {target} as JSON {body!r}"[:2000])
            response = session["client"].post(target, json=body, headers={"X-CSRFToken": token})
        else:
            note(f"POST {target} {_describe(body)}")
            response = session["client"].post(target, data=body)
        response.close()
        assert response.status_code < 500
        if form.filled_in and response.status_code in REFUSED_WITH_A_REASON - {413}:
            assert "govuk-error-summary" in response.get_data(as_text=True), response.status_code
        if form.signs_out:
            sign_in()
        elif form.renews_session and response.status_code == 302:
            session["csrf"] = csrf_from(session["client"].get("/accessibility").get_data(as_text=True))

    if SEED is not None:
        post = seed(int(SEED))(post)
    post()


# ---- every page's address: hostile query strings and ids ---------------------------------------------

QUERY_NAMES = ["page", "pillar", "lead", "rag", "state", "overdue", "q", "from", "to", "snapshot", "day", "level",
               "format", "next", "cursor", "limit", "column_0", "sheet"]
PAGE_EXAMPLES = int(os.environ.get("PILLAR_FUZZ_PAGE_EXAMPLES", "5"))


# Not ids, though each matches <int:...> or looks like a number: past a database integer, past a
# 64-bit one, and a digit Python's int() refuses.
NOT_IDS = ["2147483648", "99999999999999999999", "²"]


def _id_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["0", "00001", "-1", *NOT_IDS]), st.integers(min_value=0, max_value=10**25).map(str))


def test_no_hostile_address_of_any_page_is_a_server_error(app, fuzz_world):
    """Every GET route the access table knows, signed in as an administrator (who may see every page),
    with made-up query strings and, now and then, made-up ids in the path."""
    from tests.views.test_access import BY_TOKEN, POST_ONLY, ROUTES

    world = {**fuzz_world, "number": 1, "token": fuzz_world["import_token"], "user": fuzz_world["other_user"],
             "job": 1}
    client, _csrf = _signed_in(app, world, "admin")
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    templates = [template for endpoint, (template, allowed) in sorted(ROUTES.items())
                 if endpoint in gets and endpoint not in POST_ONLY
                 and (allowed != BY_TOKEN or endpoint.startswith("calendar."))]
    keys = ("plan", "number", "action", "indicator", "evidence", "escalation", "meeting", "snapshot", "user", "job",
            "token")

    for template in templates:
        base = template.split("?")[0]
        if "{" in base:
            for made_up in NOT_IDS:
                response = client.get(base.format(**{**world, **dict.fromkeys(keys, made_up)}))
                response.close()
                assert response.status_code == 404, (base, made_up)
        _fuzz_address(client, world, base, keys)


def _fuzz_address(client, world: dict, base: str, keys: tuple[str, ...]) -> None:
    from urllib.parse import quote

    @settings(max_examples=PAGE_EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
              suppress_health_check=list(HealthCheck))
    @given(query=st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), st.text(min_size=1, max_size=6)),
                                 st.one_of(text(), _id_text(), st.lists(text(), min_size=2, max_size=2)),
                                 max_size=4),
           ids=st.one_of(st.just({}), _id_text().map(lambda made_up: dict.fromkeys(keys, made_up))),
           secret=st.one_of(st.just("secret"), st.text(min_size=1, max_size=20)))
    def visit(query, ids, secret):
        path = base.replace("secret", quote(secret, safe=""))
        path = path.format(**{**world, **{k: v for k, v in ids.items()}})
        note(f"GET {path} {query!r}"[:2000])
        response = client.get(path, query_string=query)
        response.close()
        assert response.status_code < 500

    visit()
