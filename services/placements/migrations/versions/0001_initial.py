"""Children, periods of care, placements (the shared tables: backbone's producer and audit branches, which
this history depends on).

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = ("producer_0001", "audit_0001")


def upgrade() -> None:
    op.create_table(
        "children",
        sa.Column("child_id", sa.String(), primary_key=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
    )
    op.create_table(
        "care_periods",
        sa.Column("care_period_id", sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), sa.ForeignKey("children.child_id"), nullable=False, index=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("legal_status", sa.String(), nullable=False),
        sa.Column("reason_ceased", sa.String(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="care_period_dates_in_order"),
    )
    op.create_table(
        "placements",
        sa.Column("placement_id", sa.String(), primary_key=True),
        sa.Column("care_period_id", sa.String(), sa.ForeignKey("care_periods.care_period_id"), nullable=False),
        sa.Column("child_id", sa.String(), sa.ForeignKey("children.child_id"), nullable=False, index=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("placement_type", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=True),
        sa.Column("carer_id", sa.String(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="placement_dates_in_order"),
    )


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
