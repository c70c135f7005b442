"""A service that learns who is looked after from the placements topic: the periods of care it has learnt.

Revision ID: care_register_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "care_register_0001"
down_revision = None
branch_labels = ("care_register",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_care_periods",
        sa.Column("care_period_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
