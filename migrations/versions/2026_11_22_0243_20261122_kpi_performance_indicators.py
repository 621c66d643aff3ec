"""Performance indicators: definitions, targets, values, comparators and their links

Revision ID: 20261122_kpi
Revises: 20261122_updates
Create Date: 2026-11-22 02:43:13.560428

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_kpi'
down_revision = '20261122_updates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('polarity', sa.String(length=20), nullable=False),
    sa.Column('frequency', sa.String(length=20), server_default='monthly', nullable=False),
    sa.Column('baseline_value', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('baseline_label', sa.String(length=100), nullable=True),
    sa.Column('floor', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('alert_threshold', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('tolerance', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('is_improvement_notice_target', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('small_numbers', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_indicators_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('plan_id', 'code', name='uq_indicators_plan_code')
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_plan_id'), ['plan_id'], unique=False)

    op.create_table('indicator_comparators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('value', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_comparators_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_comparators')),
    sa.UniqueConstraint('indicator_id', 'name', 'period', name='uq_indicator_comparators_indicator_name_period')
    )
    op.create_table('indicator_requirements',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_requirements_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requirement_id'], ['requirements.id'], name=op.f('fk_indicator_requirements_requirement_id_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', 'requirement_id', name=op.f('pk_indicator_requirements'))
    )
    with op.batch_alter_table('indicator_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_requirements_requirement_id'), ['requirement_id'], unique=False)

    op.create_table('indicator_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('upper', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('due', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_targets_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_targets')),
    sa.UniqueConstraint('indicator_id', 'due', name='uq_indicator_targets_indicator_due')
    )
    op.create_table('indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('numerator', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('denominator', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('commentary', sa.Text(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_indicator_values_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'period', name='uq_indicator_values_indicator_period')
    )
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_values_entered_by_id'), ['entered_by_id'], unique=False)

    op.create_table('indicator_actions',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_indicator_actions_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_actions_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', 'action_id', name=op.f('pk_indicator_actions'))
    )
    with op.batch_alter_table('indicator_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_actions_action_id'), ['action_id'], unique=False)



def downgrade():
    with op.batch_alter_table('indicator_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_actions_action_id'))

    op.drop_table('indicator_actions')
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_values_entered_by_id'))

    op.drop_table('indicator_values')
    op.drop_table('indicator_targets')
    with op.batch_alter_table('indicator_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_requirements_requirement_id'))

    op.drop_table('indicator_requirements')
    op.drop_table('indicator_comparators')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_plan_id'))

    op.drop_table('indicators')
