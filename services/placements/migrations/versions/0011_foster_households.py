"""Foster households: approval, category, de-registration (about households, not children).

Revision ID: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foster_households",
        sa.Column("household_id", sa.String(), primary_key=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("approval_date", sa.Date(), nullable=False),
        sa.Column("deregistration_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("category IN ('short_term', 'long_term', 'short_breaks', 'connected_persons', "
                           "'parent_and_child')", name="household_category_is_known"),
        sa.CheckConstraint("deregistration_date IS NULL OR deregistration_date >= approval_date",
                           name="deregistered_after_approval"),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
