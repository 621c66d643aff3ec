"""The audit trail is append-only in the database and sealed as a hash chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit import chain
from app.audit.services import record
from app.extensions import db
from app.models import AuditChainHead, AuditEvent, User
from tests import factories


def _write_events(count: int, actor=None) -> list[int]:
    rows = [record(actor, "action", n, "changed", field="title", before=f"old {n}", after=f"new {n}") for n in range(count)]
    db.session.commit()
    return [row.id for row in rows]


def _without_trigger():
    """Tampering needs the trigger out of the way first, as an attacker with the owner's rights would."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(chain.PG_DROP_TRIGGER))


def _restore_trigger():
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        db.session.execute(text(chain.PG_DROP_TRIGGER))
        db.session.execute(text(chain.PG_TRIGGER))
        db.session.commit()


@pytest.fixture
def tamper(app):
    _without_trigger()
    yield
    _restore_trigger()


def test_each_event_links_to_the_one_before_and_the_head_holds_the_newest(app):
    ids = _write_events(3)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.id for e in events] == ids
    assert events[0].prev_hash == chain.GENESIS
    assert events[1].prev_hash == events[0].row_hash
    assert events[2].prev_hash == events[1].row_hash
    assert db.session.get(AuditChainHead, chain.HEAD_ID).last_hash == events[2].row_hash
    assert chain.verify() == (3, None)


def test_recording_events_only_ever_inserts_into_the_audit_table(app):
    actor = factories.user()
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        _write_events(4, actor=actor)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    touching = [s for s in statements if "audit_events" in s and not s.lstrip().startswith("select")]
    assert len(touching) == 4
    assert all(s.lstrip().startswith("insert into audit_events") for s in touching)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET note = 'rewritten'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_remove_an_event_on_postgresql(app, statement):
    _write_events(2)
    if db.engine.dialect.name != "postgresql":
        # SQLite has no trigger: there the guarantee is the insert-only service layer, tested above.
        assert db.engine.dialect.name == "sqlite"
        return
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.note.is_(None))) == 2


def test_deleting_a_user_still_works_and_keeps_their_events_and_the_chain_intact(app):
    user = factories.user()
    _write_events(2, actor=user)
    db.session.delete(db.session.get(User, user.id))
    db.session.commit()
    events = db.session.scalars(select(AuditEvent)).all()
    assert {(e.actor_user_id, e.actor_name) for e in events if e.entity_type == "action"} == {(None, user.name)}
    assert chain.verify()[1] is None


def test_verify_names_the_first_event_whose_contents_were_changed(app, tamper):
    ids = _write_events(5)
    db.session.execute(text("UPDATE audit_events SET after = 'forged' WHERE id = :id"), {"id": ids[2]})
    db.session.commit()
    checked, broken = chain.verify(batch_size=2)
    assert checked == 2
    assert broken.event_id == ids[2]
    assert "changed" in broken.reason


def test_verify_names_the_event_after_one_that_was_removed(app, tamper):
    ids = _write_events(4)
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    assert chain.verify()[1].event_id == ids[2]


def test_verify_notices_when_the_newest_events_were_removed(app, tamper):
    ids = _write_events(3)
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    db.session.commit()
    broken = chain.verify()[1]
    assert broken.event_id == ids[1]
    assert "later events were removed" in broken.reason


def test_the_verify_command_passes_an_intact_trail(app):
    _write_events(3)
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Audit trail intact: 3 events checked."


def test_the_verify_command_exits_non_zero_with_one_line_naming_the_broken_event(app, tamper):
    ids = _write_events(3)
    db.session.execute(text("UPDATE audit_events SET actor_name = 'Someone else' WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: Audit event {ids[1]} its contents have changed since it was written; 1 events before it are intact."]


def test_appends_from_many_transactions_at_once_keep_one_unbroken_chain(app):
    _write_events(1)  # the head exists, as it does in any running system
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def append(worker: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for n in range(5):
                    record(None, "action", worker, "changed", field="n", before=None, after=n)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert chain.verify() == (31, None)
