"""conversation memory (follow-ups), personal reminders and agendas (digests)

Revision ID: 0009_conversations_and_agendas
Revises: 0008_person

New delivery kinds ("dated", "note", "digest") and the "waiting" state are plain strings in
the existing columns: no change to `delivery`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.models
from alembic import op

revision: str = '0009_conversations_and_agendas'
down_revision: str | None = '0008_person'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_memory',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('meeting_ids', sa.JSON(), nullable=False),
    sa.Column('topic', sa.JSON(), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('conversation_memory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_memory_expires_at'), ['expires_at'], unique=False)

    op.create_table('personal_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('due_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('personal_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_reminder_subscriber'), ['subscriber'], unique=False)

    op.create_table('digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('time_of_day', sa.Time(), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscriber', 'period', name='uq_digest')
    )
    with op.batch_alter_table('digest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_subscriber'), ['subscriber'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('digest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_subscriber'))
    op.drop_table('digest')
    with op.batch_alter_table('personal_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_reminder_subscriber'))
    op.drop_table('personal_reminder')
    with op.batch_alter_table('conversation_memory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_memory_expires_at'))
    op.drop_table('conversation_memory')
