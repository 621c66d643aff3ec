"""PostgreSQL restarted during work: requests in flight get a plain 503, the next
ones succeed, and a sweep that was running is retried and completes once."""

from __future__ import annotations

import logging
import re
import threading
from datetime import date

from app.api.tokens import create_token
from app.extensions import db
from tests.conftest import csrf_from
from tests.faults.conftest import (
    broker_idle,
    forget_lost_connection,
    send,
    sql,
    sweep_lock,
    sweeps_waiting,
    table_locked,
    wait_for,
)

MESSAGE = "Pillar cannot reach its database; try again in a minute."


def _update(page: str, commentary: str) -> dict:
    version = re.search(r'name="base_version"[^>]*value="([^"]*)"', page).group(1)
    return {"csrf_token": csrf_from(page), "base_version": version, "proposed_rag": "amber",
            "commentary": commentary, "outstanding_actions": "", "risks": ""}


def _reference(html: str) -> str:
    return re.search(r"quote reference <strong>([0-9a-f]+)</strong>", html).group(1)


def test_a_postgresql_restart_answers_requests_in_flight_with_a_503_and_the_work_carries_on_once_it_is_back(
    app, client, auth, world, postgres, broker, worker, mailbox, caplog
):
    caplog.set_level(logging.ERROR, logger="pillar.errors")
    overdue = [world.action(f"1.1.{day}", date(2026, 10, day)) for day in range(1, 11)]
    _, secret = create_token(world.lead_user, "script")
    db.session.commit()
    action_id = overdue[0].id
    auth.sign_in("lead@example.org")
    form = client.get(f"/actions/{action_id}/update").get_data(as_text=True)
    in_flight: dict = {}
    mark = worker.mark()

    with sweep_lock(postgres, world.plan.id):
        send(app, "workers.escalations.sweep", "2026-11-23")
        wait_for(lambda: sweeps_waiting(postgres), "the sweep to be running")
        with table_locked(postgres, "updates"):  # the update waits on it, inside its request
            request = threading.Thread(target=lambda: in_flight.update(response=client.post(
                f"/actions/{action_id}/update", data=_update(form, "Posted as the database restarted"))))
            request.start()
            wait_for(lambda: postgres.query("SELECT 1 FROM pg_locks WHERE locktype = 'relation' AND NOT granted"),
                     "the update to be waiting on the database")
            postgres.stop()
            request.join(timeout=60)

    response = in_flight["response"]
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert MESSAGE in page
    assert _reference(page) == response.headers["X-Request-Id"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Retry-After"] == "60"
    assert "nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Signed in as" not in page  # the page asks nothing of the database, not even who is signed in
    logged = [record.getMessage() for record in caplog.records if record.name == "pillar.errors"]
    assert any(f"database unavailable reference={_reference(page)}" in line for line in logged)

    while_down = client.get(f"/actions/{action_id}")
    api_while_down = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"})
    assert while_down.status_code == 503
    assert MESSAGE in while_down.get_data(as_text=True)
    assert api_while_down.status_code == 503
    assert api_while_down.get_json() == {
        "status": 503, "code": "sorry,_the_service_is_unavailable", "message": MESSAGE,
        "reference": api_while_down.headers["X-Request-Id"],
    }

    postgres.start()
    forget_lost_connection()
    again = client.post(f"/actions/{action_id}/update", data=_update(form, "Posted once it was back"))
    assert again.status_code == 302
    assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert sql("SELECT commentary FROM updates").scalars().all() == ["Posted once it was back"]

    wait_for(lambda: sql("SELECT count(*) FROM sweep_runs WHERE finished_at IS NOT NULL").scalar(),
             "the sweep to be retried and finish")
    wait_for(lambda: broker_idle(broker), "the queue to empty")
    assert sql("SELECT count(*) FROM sweep_runs").scalar() == 1
    assert sql("SELECT level, count(*) FROM escalations GROUP BY level").all() == [(3, 10)]
    assert sql("SELECT count(*), count(DISTINCT (recipient_id, sweep_date)) FROM notifications").one() == (3, 3)
    assert sorted(message["To"] for message in mailbox.messages) == [
        "director@example.org", "lead@example.org", "olu@example.org"
    ]
    assert "Retry in" in worker.log(since=mark)
