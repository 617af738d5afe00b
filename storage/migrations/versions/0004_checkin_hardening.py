"""check-in hardening: when each question was asked, recap and lesson-card delivery, the
Telegram message behind each answer

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asked_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("recap_sent_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("cards_sent_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("checkin_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))

    # Prompts from before: their last question was asked when it was sent, and a finished
    # prompt's recap went out with its last answer (it is not sent again).
    op.execute("UPDATE checkin_prompts SET asked_at = sent_at")
    op.execute(
        "UPDATE checkin_prompts SET recap_sent_at = completed_at, cards_sent_at = completed_at "
        "WHERE completed_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("checkin_answers", schema=None) as batch_op:
        batch_op.drop_column("message_id")
    with op.batch_alter_table("checkin_prompts", schema=None) as batch_op:
        batch_op.drop_column("cards_sent_at")
        batch_op.drop_column("recap_sent_at")
        batch_op.drop_column("asked_at")
