"""feed_fragment: each meeting's serialised VEVENT, which feeds are assembled from; an index
that covers a feed's listing of meetings

Revision ID: 0011_feed_fragments
Revises: 0010_sources

The table starts empty: fragments are made when a feed first needs them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '0011_feed_fragments'
down_revision: str | None = '0010_sources'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('feed_fragment',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('variant', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('revision', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('renderer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('zones', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('zoned_first', sa.Date(), nullable=True),
    sa.Column('zoned_last', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'variant')
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(
            'ix_meeting_feed_listing',
            ['start_date', 'id', 'end_date', 'sequence', 'updated_at'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_feed_listing')
    op.drop_table('feed_fragment')
