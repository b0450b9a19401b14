"""Tombstones of deleted users and the failed-login throttle.

Revision ID: 0002_tombstones_throttle
Revises: 0001_accounts
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_tombstones_throttle"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``orpheus_accounts.deleted_at`` and create ``orpheus_login_throttle``."""
    with op.batch_alter_table("orpheus_accounts") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
    op.create_table(
        "orpheus_login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    """Drop the throttle table and the deletion time (tombstones become revoked records)."""
    op.drop_table("orpheus_login_throttle")
    op.execute("UPDATE orpheus_accounts SET status = 'revoked' WHERE status = 'deleted'")
    with op.batch_alter_table("orpheus_accounts") as batch:
        batch.drop_column("deleted_at")
