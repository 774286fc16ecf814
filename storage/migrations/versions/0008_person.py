"""person: a person's profile time zone and default reminder offsets; rules that follow the
profile zone; the subject's date on each planned delivery

Revision ID: 0008_person
Revises: 0007_meeting_words

Existing rules keep their zone (`follows_profile` false): which of them came from a chat
profile and which from an explicit `--tz` cannot be told apart afterwards. Planned deliveries
get their subject's current date, which is what they were last planned for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.models
from alembic import op

revision: str = '0008_person'
down_revision: str | None = '0007_meeting_words'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person',
    sa.Column('user_key', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('default_offsets', sa.JSON(), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_key')
    )
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('follows_profile', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_date', sa.Date(), nullable=True))

    # backfill: reminders are about their meeting's start, deadline rows about the deadline
    delivery = sa.table('delivery', sa.column('kind', sa.String), sa.column('meeting_id', sa.String),
                        sa.column('deadline_id', sa.Integer), sa.column('subject_date', sa.Date))
    meeting = sa.table('meeting', sa.column('id', sa.String), sa.column('start_date', sa.Date))
    deadline = sa.table('deadline', sa.column('id', sa.Integer), sa.column('due_date', sa.Date))
    op.execute(
        delivery.update()
        .where(delivery.c.kind == 'reminder')
        .values(subject_date=sa.select(meeting.c.start_date)
                .where(meeting.c.id == delivery.c.meeting_id).scalar_subquery())
    )
    op.execute(
        delivery.update()
        .where(delivery.c.kind == 'deadline')
        .values(subject_date=sa.select(deadline.c.due_date)
                .where(deadline.c.id == delivery.c.deadline_id).scalar_subquery())
    )


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('subject_date')
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_column('follows_profile')
    op.drop_table('person')
