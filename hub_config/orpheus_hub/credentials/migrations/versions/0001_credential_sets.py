"""Credential sets and their grants to hub groups.

Revision ID: 0001_credential_sets
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_credential_sets"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``orpheus_credential_sets`` and ``orpheus_credential_grants``."""
    op.create_table(
        "orpheus_credential_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("variable_names", sa.Text(), nullable=False),
        sa.Column("has_file", sa.Boolean(), nullable=False),
        sa.Column("allow_trial", sa.Boolean(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_orpheus_credential_sets_name"),
    )
    op.create_table(
        "orpheus_credential_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(),
                  sa.ForeignKey("orpheus_credential_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("group", sa.String(255), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("set_id", "group", name="uq_orpheus_credential_grant"),
    )
    op.create_index("ix_orpheus_credential_grants_set_id", "orpheus_credential_grants", ["set_id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index("ix_orpheus_credential_grants_set_id", table_name="orpheus_credential_grants")
    op.drop_table("orpheus_credential_grants")
    op.drop_table("orpheus_credential_sets")
