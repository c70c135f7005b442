"""Foster households' approvals (dated records) instead of one row per household; the rows held move over.

Revision ID: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foster_household_approvals",
        sa.Column("approval_id", sa.String(), primary_key=True),
        sa.Column("household_id", sa.String(), nullable=False, index=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
    )
    op.execute("""
        INSERT INTO foster_household_approvals
        SELECT household_id || '-1', household_id, category, approval_date, deregistration_date, record_version
        FROM foster_households
    """)
    op.drop_table("foster_households")


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
