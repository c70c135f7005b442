"""Corrections: an assessment entered in error is withdrawn (kept, marked); one assessment per period of care
among those not withdrawn.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"  # 0002 and 0003 (audit outcome, tombstones) moved to the shared branches
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("initial_health_assessments",
                  sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_constraint("initial_health_assessments_care_period_id_key", "initial_health_assessments", type_="unique")
    op.create_index("one_assessment_per_care_period", "initial_health_assessments", ["care_period_id"], unique=True,
                    postgresql_where=sa.text("NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
