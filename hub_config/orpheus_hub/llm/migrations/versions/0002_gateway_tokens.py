"""Gateway-only tokens (minted for session terminals), stored as SHA-256 hashes.

Revision ID: 0002_gateway_tokens
Revises: 0001_usage
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_gateway_tokens"
down_revision = "0001_usage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``llm_gateway_tokens``."""
    op.create_table(
        "llm_gateway_tokens",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_llm_gateway_tokens_token_hash", "llm_gateway_tokens", ["token_hash"], unique=True)
    op.create_index("ix_llm_gateway_tokens_user", "llm_gateway_tokens", ["user"])


def downgrade() -> None:
    """Drop ``llm_gateway_tokens``."""
    op.drop_index("ix_llm_gateway_tokens_user", table_name="llm_gateway_tokens")
    op.drop_index("ix_llm_gateway_tokens_token_hash", table_name="llm_gateway_tokens")
    op.drop_table("llm_gateway_tokens")
