"""Initial schema: the shares table (as created before migrations existed).

Revision ID: 0001_shares
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_shares"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``shares``."""
    op.create_table(
        "shares",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("target", sa.String(1024), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
    )
    op.create_index("ix_shares_token_hash", "shares", ["token_hash"], unique=True)
    op.create_index("ix_shares_owner", "shares", ["owner"])


def downgrade() -> None:
    """Drop ``shares``."""
    op.drop_index("ix_shares_owner", table_name="shares")
    op.drop_index("ix_shares_token_hash", table_name="shares")
    op.drop_table("shares")
