"""Drop meeting's one-column indexes on kind, series, city, country and region: each is the
first column of a (column, start_date, end_date) index from 0003, which serves the same
lookups, and every index is one more B-tree each imported meeting is written into.

Revision ID: 0013_drop_prefix_indexes
Revises: 0012_answer_payload
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013_drop_prefix_indexes'
down_revision: str | None = '0012_answer_payload'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('kind', 'series', 'city', 'country', 'region')


def upgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_index(f'ix_meeting_{column}')


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.create_index(f'ix_meeting_{column}', [column], unique=False)
