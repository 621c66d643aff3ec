"""Importing a reading into the database: all or nothing, and in place on re-import."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.domain.errors import ValidationFailed
from app.extensions import db
from app.imports.apply import apply_reading, known_people
from app.imports.interpret import interpret
from app.imports.reader import read_upload
from app.models import Action, Outcome, Person, Pillar, Plan, Requirement
from tests import factories
from tests.imports import workbooks as wb

TABLES = (Plan, Pillar, Outcome, Action, Person, Requirement)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def _import(data: bytes, name: str, **kwargs):
    reading = interpret(read_upload(data, name), known_people=known_people())
    summary = apply_reading(reading, **kwargs)
    db.session.commit()
    return summary


def _actions(plan_id: int) -> dict[str, Action]:
    query = (
        select(Action)
        .where(Action.plan_id == plan_id)
        .options(selectinload(Action.delivery_leads), selectinload(Action.requirements))
    )
    return {action.reference: action for action in db.session.scalars(query)}


def test_the_sample_plan_imports_into_a_new_plan_field_by_field(app):
    summary = _import(wb.peterborough_workbook(), "peterborough.xlsx")
    plan = db.session.get(Plan, summary.plan_id)
    assert (plan.title, summary.plan_created) == ("Peterborough City Council Safeguarding Improvement Plan", True)
    assert (summary.pillars_created, summary.outcomes_created, summary.actions_created) == (2, 7, 17)
    pillars = {pillar.number: pillar for pillar in plan.pillars}
    assert pillars[1].title == "Providing confident leadership and management across children's services"
    assert [p.name for p in pillars[1].accountable_leads] == ["Malcolm Newsam"]
    assert pillars[2].key_objectives.startswith("High quality, rigorous")
    outcomes = {o.reference: o for o in db.session.scalars(select(Outcome).where(Outcome.plan_id == plan.id))}
    assert (outcomes["2.1"].statement, outcomes["2.1"].pillar.number) == (wb.OUTCOME_2_1, 2)

    actions = _actions(plan.id)
    first = actions["1.1.1"]
    assert (first.pillar.number, first.outcome.reference, first.title) == (1, "1.1", wb.ACTION_1_1_1)
    assert (first.timescale, first.due_date, first.start_date) == ("31.02.12", None, None)
    assert (first.rag, first.state) == ("green", "in_progress")
    assert [p.name for p in first.delivery_leads] == ["Sue Westcott"]
    assert [r.number for r in first.requirements] == ["IN 10", "IN 12", "OR 1"]
    assert first.targets_and_measures.startswith("• A gap analysis completed")
    ranged = actions["1.2.6"]
    assert (ranged.timescale, ranged.start_date, ranged.due_date) == ("31.01.12 – 31.03.12", date(2012, 1, 31), date(2012, 3, 31))
    assert ranged.steps == wb.ACTION_1_2_6
    assert (actions["1.5.2"].rag, actions["1.5.2"].state) == ("complete", "complete")
    merged = actions["2.2.1"]
    assert (merged.timescale, merged.due_date) == ("31.01.12\n31.03.12\n31.03.12", date(2012, 3, 31))
    assert [p.name for p in merged.delivery_leads] == ["Julie Barnard", "Lynn Chesterton", "Sue Westcott"]
    assert (actions["2.1.8"].rag, actions["2.1.8"].state, actions["2.1.8"].due_date) == ("not_started", "not_started", None)
    assert [a.reference for a in sorted(actions.values(), key=lambda a: a.position)][:3] == ["1.1.1", "1.1.2", "1.1.5"]

    assert summary.people_created == [
        "Malcolm Newsam", "Sue Westcott", "Julie Barnard", "Oonagh Aitken", "Ann Garratt", "Damian Elcock",
        "Christine Bellairs", "Lynn Chesterton", "Jo Bramwell",
    ]  # fmt: skip
    requirement = db.session.scalar(select(Requirement).where(Requirement.number == "OR 1"))
    assert (requirement.kind, requirement.text) == ("ofsted_recommendation", "")
    assert db.session.scalar(select(Requirement.kind).where(Requirement.number == "IN 10")) == "improvement_notice"


def test_leads_are_matched_to_people_pillar_already_knows_ignoring_case_and_not_created_again(app):
    known = factories.person("sue westcott", job_title="Assistant Director")
    factories.person("Mary Ann Smith")
    db.session.commit()
    summary = _import(wb.peterborough_workbook(), "peterborough.xlsx")
    assert "Sue Westcott" not in summary.people_created
    assert db.session.scalar(select(func.count()).select_from(Person).where(func.lower(Person.name) == "sue westcott")) == 1
    assert known.id in {p.id for p in _actions(summary.plan_id)["1.1.2"].delivery_leads}


def test_re_importing_an_updated_workbook_updates_the_plan_in_place(app):
    first = _import(wb.peterborough_workbook(), "peterborough.xlsx", plan_title="Safeguarding plan")
    before = counts()
    action_ids = {ref: a.id for ref, a in _actions(first.plan_id).items()}
    extra = factories.action(db.session.scalar(select(Outcome).where(Outcome.reference == "1.1")), "1.1.9")
    db.session.commit()

    second = _import(wb.peterborough_workbook(revised=True), "peterborough-v2.xlsx", plan_title="Safeguarding plan")
    assert (second.plan_id, second.plan_created) == (first.plan_id, False)
    assert (second.actions_created, second.actions_updated, second.people_created) == (0, 17, [])
    assert second.actions_not_in_file == ["1.1.9"]
    assert counts() == before | {"Action": before["Action"] + 1}
    assert {ref: a.id for ref, a in _actions(first.plan_id).items() if ref != "1.1.9"} == action_ids
    assert db.session.get(Action, extra.id) is not None
    db.session.expire_all()
    actions = _actions(first.plan_id)
    assert (actions["1.1.1"].timescale, actions["1.1.1"].due_date) == ("29.02.12", date(2012, 2, 29))
    assert (actions["1.1.2"].due_date, actions["1.1.2"].rag) == (date(2012, 4, 30), "amber")
    assert [p.name for p in actions["1.1.2"].delivery_leads] == ["Ann Garratt", "Sue Westcott"]


def test_a_re_import_changes_what_changed_and_leaves_fields_the_file_lacks(app):
    plan = factories.plan("Trust plan")
    pillar = factories.pillar(plan, 1, "Safe staffing")
    action = factories.action(
        factories.outcome(pillar, "1.9"), "1.1", title="Old title", workstream="Nursing",
        targets_and_measures="Old measure", state="awaiting_sign_off",
    )
    db.session.commit()
    summary = _import(wb.nhs_tracker(), "cqc.xlsx", plan_title="trust plan")
    assert (summary.plan_id, summary.actions_updated, summary.actions_created) == (plan.id, 1, 4)
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.title == "Recruit to all registered nurse vacancies on the medical wards"
    assert (action.due_date, action.rag) == (date(2024, 3, 31), "green")
    assert action.targets_and_measures == "Vacancy rate below 5%\nBaseline: 11% (Oct 2023)"
    # The tracker has no workstream or state column: those stay as Pillar knew them.
    assert (action.workstream, action.state) == ("Nursing", "awaiting_sign_off")
    assert action.outcome is None


def test_a_reading_with_errors_is_refused_and_the_database_is_untouched(app):
    factories.plan("Existing")
    db.session.commit()
    before = counts()
    reading = interpret(read_upload(wb.peterborough_workbook(second_1_2_1="1.2.1"), "peterborough.xlsx"))
    with pytest.raises(ValidationFailed, match="Reference 1.2.1 is used twice"):
        apply_reading(reading)
    db.session.rollback()
    assert counts() == before


def test_strict_refuses_a_reading_with_warnings_and_changes_nothing(app):
    before = counts()
    reading = interpret(read_upload(wb.nhs_tracker(), "cqc.xlsx"))
    with pytest.raises(ValidationFailed, match="30th Nov has no year"):
        apply_reading(reading, strict=True)
    db.session.rollback()
    assert counts() == before


def test_two_plans_with_the_same_title_must_be_told_apart_by_id(app):
    factories.plan("Twin")
    twin = factories.plan("Twin")
    db.session.commit()
    reading = interpret(read_upload(wb.westbury_csv(), "westbury.csv"))
    with pytest.raises(ValidationFailed, match="2 plans are called 'Twin': give another title, or choose the plan by its id"):
        apply_reading(reading, plan_title="Twin")
    db.session.rollback()
    summary = apply_reading(reading, plan_id=twin.id)
    assert (summary.plan_id, summary.actions_created) == (twin.id, 4)


def _tracker(rows: int) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Reference", "Action", "Timescale", "RAG", "Delivery lead", "Links"])
    for i in range(rows):
        workbook.active.append([
            f"{i // 40 + 1}.{i // 10 % 4 + 1}.{i % 10 + 1}", f"Action {i}", "31.03.12", "G",
            f"Lead{i % 9} Person / Other{i % 5} Person", f"Links to IN {i % 16 + 1} OR {i % 18 + 1}",
        ])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("again", [False, True], ids=["first import", "re-import"])
def test_the_number_of_reads_does_not_grow_with_the_number_of_rows(app, again):
    from sqlalchemy import event

    selects = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    made = []
    for rows in (40, 160):
        reading = interpret(read_upload(_tracker(rows), "tracker.xlsx"), known_people=known_people())
        if again:
            apply_reading(reading, plan_title=f"Plan {rows}")
            db.session.commit()
        selects.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            summary = apply_reading(reading, plan_title=f"Plan {rows}")
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        made.append((len(selects), summary.actions_created + summary.actions_updated))
    assert made[0][0] == made[1][0]
    assert [actions for _, actions in made] == [40, 160]
