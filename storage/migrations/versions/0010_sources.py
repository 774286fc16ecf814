"""calendar_source: calendars secbot follows (ICS URLs, Indico exports) and their sync state;
meeting.source_id: the source a meeting came from

Revision ID: 0010_sources
Revises: 0009_conversations_and_agendas
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.models
from alembic import op

revision: str = '0010_sources'
down_revision: str | None = '0009_conversations_and_agendas'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('api_token', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('events', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_synced_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_attempt_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('claimed_until', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('calendar_source', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_calendar_source_next_attempt_at'), ['next_attempt_at'], unique=False
        )
    # a plain column, no foreign key (removing a source clears it, storage.sources): on SQLite
    # a foreign key would need batch mode, which copies the meeting table, and dropping the
    # old copy would cascade to its deadlines and words
    op.add_column('meeting', sa.Column('source_id', sa.Integer(), nullable=True))
    op.create_index('ix_meeting_source_id', 'meeting', ['source_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_meeting_source_id', table_name='meeting')
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+ too): no copy of the meeting table
    op.execute('ALTER TABLE meeting DROP COLUMN source_id')
    with op.batch_alter_table('calendar_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_source_next_attempt_at'))
    op.drop_table('calendar_source')
