"""The beat schedule: the sweep on working mornings, the recalculation nightly."""

from workers import escalations, plans
from workers.schedule import BEAT_SCHEDULE


def test_the_sweep_runs_at_seven_on_weekday_mornings_and_the_recalculation_nightly():
    sweep = BEAT_SCHEDULE["escalation-sweep"]
    nightly = BEAT_SCHEDULE["nightly-status-recalculation"]

    assert sweep["task"] == escalations.sweep.name
    assert (sweep["schedule"].hour, sweep["schedule"].minute) == ({7}, {0})
    assert sweep["schedule"].day_of_week == {1, 2, 3, 4, 5}
    assert nightly["task"] == plans.recalculate_all_statuses.name
    assert nightly["schedule"].day_of_week == set(range(7))


def test_every_task_retries_with_backoff_when_the_database_or_broker_is_briefly_away():
    from kombu.exceptions import OperationalError as BrokerError
    from sqlalchemy.exc import OperationalError

    from workers import notifications

    for task in (escalations.sweep, notifications.send_digests, plans.recalculate_all_statuses,
                 plans.recalculate_for_actions):
        assert OperationalError in task.autoretry_for
        assert BrokerError in task.autoretry_for
        assert task.retry_backoff is True
        assert task.max_retries == 8
