"""Initial schema: the accounts table.

Revision ID: 0001_accounts
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``orpheus_accounts``."""
    op.create_table(
        "orpheus_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("trial_expires_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("email", name="uq_orpheus_accounts_email"),
    )
    op.create_index("ix_orpheus_accounts_username", "orpheus_accounts", ["username"], unique=True)


def downgrade() -> None:
    """Drop ``orpheus_accounts``."""
    op.drop_index("ix_orpheus_accounts_username", table_name="orpheus_accounts")
    op.drop_table("orpheus_accounts")
