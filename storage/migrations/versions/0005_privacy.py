"""privacy: answer aggregates kept past retention, and the daily housekeeping claim

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "housekeeping_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("ran_at", storage.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "day", name=op.f("pk_housekeeping_runs")),
    )
    with op.batch_alter_table("checkin_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "answers_deleted_at", storage.models.UtcDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("prompted_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mood_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mood_total", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkin_runs", schema=None) as batch_op:
        for column in (
            "mood_total",
            "mood_count",
            "answered_count",
            "prompted_count",
            "answers_deleted_at",
        ):
            batch_op.drop_column(column)
    op.drop_table("housekeeping_runs")
