"""delivery.payload: what a chat answer says, so an answer that could not be posted is retried
from the ledger like a reminder

Revision ID: 0012_answer_payload
Revises: 0011_feed_fragments
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = '0012_answer_payload'
down_revision: str | None = '0011_feed_fragments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('payload')
