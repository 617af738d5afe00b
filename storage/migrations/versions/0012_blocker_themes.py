"""blocker themes: the themes of a blocker answer, proposed by the bot and confirmed or changed
by its author with the theme buttons

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocker_themes",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["checkin_answers.id"],
            name=op.f("fk_blocker_themes_answer_id_checkin_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "theme", name=op.f("pk_blocker_themes")),
    )
    op.create_index("ix_blocker_themes_theme", "blocker_themes", ["theme"], unique=False)
    op.create_table(
        "blocker_theme_reviews",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", storage.models.UtcDateTime(), nullable=False),
        sa.Column("offered_at", storage.models.UtcDateTime(), nullable=True),
        sa.Column("changed_at", storage.models.UtcDateTime(), nullable=True),
        sa.Column("confirmed_at", storage.models.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["checkin_answers.id"],
            name=op.f("fk_blocker_theme_reviews_answer_id_checkin_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_blocker_theme_reviews")),
    )


def downgrade() -> None:
    op.drop_table("blocker_theme_reviews")
    op.drop_index("ix_blocker_themes_theme", table_name="blocker_themes")
    op.drop_table("blocker_themes")
