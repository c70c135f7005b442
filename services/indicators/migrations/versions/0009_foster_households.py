"""Foster households from the placements topic.

Revision ID: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foster_households",
        sa.Column("household_id", sa.String(), primary_key=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("approval_date", sa.Date(), nullable=False),
        sa.Column("deregistration_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
