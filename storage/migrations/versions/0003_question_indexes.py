"""indexes for question answering: kind/city/country/region with start date

Revision ID: ask01
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'ask01'
down_revision: str | None = '0001'
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
