"""Initial schema: usage rows and quota overrides (as created before migrations existed).

Revision ID: 0001_usage
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_usage"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``llm_usage`` and ``llm_quota_overrides``."""
    op.create_table(
        "llm_usage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user", sa.String(255), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("endpoint", sa.String(64), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("streamed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_llm_usage_user", "llm_usage", ["user"])
    op.create_index("ix_llm_usage_created_at", "llm_usage", ["created_at"])
    op.create_table(
        "llm_quota_overrides",
        sa.Column("user", sa.String(255), primary_key=True),
        sa.Column("tokens_per_day", sa.Integer(), nullable=True),
        sa.Column("requests_per_minute", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("llm_quota_overrides")
    op.drop_index("ix_llm_usage_created_at", table_name="llm_usage")
    op.drop_index("ix_llm_usage_user", table_name="llm_usage")
    op.drop_table("llm_usage")
