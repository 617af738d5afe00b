"""personal invites (roster import): the role an invite gives, the invitee's name, used once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "role",
                sa.Enum("member", "coordinator", name="role", native_enum=False, length=20),
                server_default="member",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("invitee_name", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("single_use", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("used_at", storage.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("used_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_used_by_id_people"),
            "people",
            ["used_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invites_used_by_id_people"), type_="foreignkey")
        batch_op.drop_column("used_by_id")
        batch_op.drop_column("used_at")
        batch_op.drop_column("single_use")
        batch_op.drop_column("invitee_name")
        batch_op.drop_column("role")
