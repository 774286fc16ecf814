"""indexes for question answering: kind/city/country/region with start date

Revision ID: 0003_question_indexes
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0003_question_indexes'
down_revision: str | None = '0002_feeds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    'ix_meeting_kind_start': ['kind', 'start_date'],
    'ix_meeting_city_start': ['city', 'start_date'],
    'ix_meeting_country_start': ['country', 'start_date'],
    'ix_meeting_region_start': ['region', 'start_date'],
}


def upgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
