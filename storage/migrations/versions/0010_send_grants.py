"""send grants: the sends of every instance while they count against Telegram's per-bot limits

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_grants",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chat", sa.String(length=64), nullable=True),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("granted_at", storage.models.UtcDateTime(), nullable=False),
        sa.Column("finished_at", storage.models.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_grants")),
    )
    op.create_index("ix_send_grants_granted_at", "send_grants", ["granted_at"], unique=False)
    op.create_index(
        "ix_send_grants_chat_granted_at", "send_grants", ["chat", "granted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_send_grants_chat_granted_at", table_name="send_grants")
    op.drop_index("ix_send_grants_granted_at", table_name="send_grants")
    op.drop_table("send_grants")
