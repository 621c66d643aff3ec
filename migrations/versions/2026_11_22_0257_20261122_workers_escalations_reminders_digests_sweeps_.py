"""Escalations and their history, reminders, daily digests, sweep runs, stored statuses; plan escalation settings; revised due dates.

Revision ID: 20261122_workers
Revises: 20261122_kpi
Create Date: 2026-11-22 02:57:58.179425

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_workers'
down_revision = '20261122_kpi'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('rag', sa.String(length=20), nullable=True),
    sa.Column('red', sa.Integer(), nullable=False),
    sa.Column('amber', sa.Integer(), nullable=False),
    sa.Column('green', sa.Integer(), nullable=False),
    sa.Column('complete', sa.Integer(), nullable=False),
    sa.Column('not_started', sa.Integer(), nullable=False),
    sa.Column('escalated_to_board', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('calculated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_stored_statuses_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_statuses')),
    sa.UniqueConstraint('scope', 'scope_id', name='uq_stored_statuses_scope_scope_id')
    )
    with op.batch_alter_table('stored_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_statuses_plan_id'), ['plan_id'], unique=False)

    op.create_table('sweep_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('sweep_date', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('reminders', sa.Integer(), server_default='0', nullable=False),
    sa.Column('raised_level1', sa.Integer(), server_default='0', nullable=False),
    sa.Column('raised_level2', sa.Integer(), server_default='0', nullable=False),
    sa.Column('raised_level3', sa.Integer(), server_default='0', nullable=False),
    sa.Column('resolved', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_sweep_runs_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sweep_runs'))
    )
    with op.batch_alter_table('sweep_runs', schema=None) as batch_op:
        batch_op.create_index('ix_sweep_runs_plan_date', ['plan_id', 'sweep_date'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('sweep_date', sa.Date(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['people.id'], name=op.f('fk_notifications_recipient_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('recipient_id', 'sweep_date', name='uq_notifications_recipient_sweep_date')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_sweep_date_emailed_at', ['sweep_date', 'emailed_at'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('cycle_due_date', sa.Date(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('sweep_run_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('revised_due_date', sa.Date(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_escalations_acknowledged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_escalations_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_escalations_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sweep_run_id'], ['sweep_runs.id'], name=op.f('fk_escalations_sweep_run_id_sweep_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('action_id', 'level', 'cycle_due_date', name='uq_escalations_action_level_cycle')
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_plan_state_level', ['plan_id', 'state', 'level'], unique=False)
        batch_op.create_index('ix_escalations_raised_on', ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_escalations_sweep_run_id'), ['sweep_run_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_reminders_action_id_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('action_id', 'due_date', name='uq_reminders_action_due_date')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_sent_on'), ['sent_on'], unique=False)

    op.create_table('escalation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_escalation_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_escalation_events_escalation_id_escalations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_events'))
    )
    with op.batch_alter_table('escalation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_events_escalation_id'), ['escalation_id'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_date_revision_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days_before', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('level1_overdue_days', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('level2_overdue_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('level2_consecutive_red_periods', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('level2_missing_update_days', sa.Integer(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('level3_overdue_days', sa.Integer(), server_default='15', nullable=False))



def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('level3_overdue_days')
        batch_op.drop_column('level2_missing_update_days')
        batch_op.drop_column('level2_consecutive_red_periods')
        batch_op.drop_column('level2_overdue_days')
        batch_op.drop_column('level1_overdue_days')
        batch_op.drop_column('reminder_days_before')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('due_date_revision_reason')
        batch_op.drop_column('original_due_date')

    with op.batch_alter_table('escalation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_events_escalation_id'))

    op.drop_table('escalation_events')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_sent_on'))

    op.drop_table('reminders')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_sweep_run_id'))
        batch_op.drop_index('ix_escalations_raised_on')
        batch_op.drop_index('ix_escalations_plan_state_level')

    op.drop_table('escalations')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_sweep_date_emailed_at')

    op.drop_table('notifications')
    with op.batch_alter_table('sweep_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_sweep_runs_plan_date')

    op.drop_table('sweep_runs')
    with op.batch_alter_table('stored_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_statuses_plan_id'))

    op.drop_table('stored_statuses')
