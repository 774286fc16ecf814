"""meeting_word: an index of meeting words and organisations for question answering;
meeting indexes that bound "the third meeting of…", series and "how many" queries

Revision ID: 0007_meeting_words
Revises: 0006_slack
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from storage.words import word_rows

revision: str = '0007_meeting_words'
down_revision: str | None = '0006_slack'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, start_date, end_date): the end date makes date-range counts index-only
COVERING = {
    'ix_meeting_kind_start': 'kind',
    'ix_meeting_city_start': 'city',
    'ix_meeting_country_start': 'country',
    'ix_meeting_region_start': 'region',
}
SOURCES = ('id', 'title', 'series', 'short_name', 'description', 'hosts', 'funders', 'partners')


def upgrade() -> None:
    words = op.create_table('meeting_word',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('word', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'field', 'word')
    )
    with op.batch_alter_table('meeting_word', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_word_word', ['field', 'word', 'meeting_id'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_ordinal', ['ordinal'], unique=False)
        batch_op.create_index(
            'ix_meeting_series_start', ['series', 'start_date', 'end_date'], unique=False
        )
        for name, column in COVERING.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [column, 'start_date', 'end_date'], unique=False)

    # backfill: the words of every stored meeting, read in batches
    meeting = sa.table('meeting', *(sa.column(c, sa.JSON if c in SOURCES[5:] else sa.String)
                                    for c in SOURCES))
    bind = op.get_bind()
    result = bind.execute(sa.select(meeting).execution_options(yield_per=2000))
    for batch in result.mappings().partitions():
        rows = word_rows(batch)
        if rows:
            bind.execute(sa.insert(words), rows)


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_ordinal')
        batch_op.drop_index('ix_meeting_series_start')
        for name, column in COVERING.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [column, 'start_date'], unique=False)

    with op.batch_alter_table('meeting_word', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_word_word')

    op.drop_table('meeting_word')
