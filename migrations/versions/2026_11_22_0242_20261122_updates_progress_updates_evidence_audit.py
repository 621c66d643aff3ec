"""progress updates, evidence, comments, audit trail and completion fields

Revision ID: 20261122_updates
Revises: 69e119e26d9e
Create Date: 2026-11-22 02:42:35.496789

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261122_updates'
down_revision = '69e119e26d9e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=True),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=80), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_audit_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_id', ['action_id'], unique=False)
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('proposed_rag', sa.String(length=20), nullable=False),
    sa.Column('effective_rag', sa.String(length=20), nullable=False),
    sa.Column('effective_rag_reason', sa.String(length=40), nullable=True),
    sa.Column('commentary', sa.Text(), nullable=False),
    sa.Column('outstanding_actions', sa.Text(), nullable=True),
    sa.Column('risks', sa.Text(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_updates_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_updates_author_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_updates')),
    sa.UniqueConstraint('action_id', 'period', name='uq_updates_action_period')
    )
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_updates_author_user_id'), ['author_user_id'], unique=False)
        batch_op.create_index('ix_updates_period', ['period'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_comments_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_comments_author_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_comments_update_id_updates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_update_id'), ['update_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_key', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_by_user_id', sa.Integer(), nullable=True),
    sa.Column('deletion_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_evidence_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deleted_by_user_id'], ['users.id'], name=op.f('fk_evidence_deleted_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_evidence_update_id_updates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['users.id'], name=op.f('fk_evidence_uploaded_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('stored_key', name=op.f('uq_evidence_stored_key'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_update_id'), ['update_id'], unique=False)

    op.create_table('update_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('proposed_rag', sa.String(length=20), nullable=False),
    sa.Column('commentary', sa.Text(), nullable=False),
    sa.Column('outstanding_actions', sa.Text(), nullable=True),
    sa.Column('risks', sa.Text(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.Column('replaced_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_update_revisions_author_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaced_by_user_id'], ['users.id'], name=op.f('fk_update_revisions_replaced_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_update_revisions_update_id_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_revisions'))
    )
    with op.batch_alter_table('update_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_revisions_update_id'), ['update_id'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('completion_claimed_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('completion_claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('signed_off_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_off_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('state_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_actions_completion_claimed_by_user_id_users'), 'users', ['completion_claimed_by_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_actions_signed_off_by_user_id_users'), 'users', ['signed_off_by_user_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_signed_off_by_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_actions_completion_claimed_by_user_id_users'), type_='foreignkey')
        batch_op.drop_column('state_reason')
        batch_op.drop_column('signed_off_at')
        batch_op.drop_column('signed_off_by_user_id')
        batch_op.drop_column('completion_claimed_at')
        batch_op.drop_column('completion_claimed_by_user_id')
        batch_op.drop_column('completion_note')

    with op.batch_alter_table('update_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_revisions_update_id'))

    op.drop_table('update_revisions')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_update_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_action_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_update_id'))
        batch_op.drop_index(batch_op.f('ix_comments_action_id'))

    op.drop_table('comments')
    with op.batch_alter_table('updates', schema=None) as batch_op:
        batch_op.drop_index('ix_updates_period')
        batch_op.drop_index(batch_op.f('ix_updates_author_user_id'))

    op.drop_table('updates')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_at')
        batch_op.drop_index('ix_audit_events_action_id')

    op.drop_table('audit_events')
