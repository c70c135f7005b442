"""Corrections: a notification or a PEP entered in error is withdrawn (kept, marked); one notification per
period of care and one initial PEP per notification, among those not withdrawn.

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"  # 0002 and 0003 (audit outcome, tombstones) moved to the shared branches
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("virtual_school_notifications", "initial_peps"):
        op.add_column(table, sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_constraint("virtual_school_notifications_care_period_id_key", "virtual_school_notifications", type_="unique")
    op.create_index("one_notification_per_care_period", "virtual_school_notifications", ["care_period_id"],
                    unique=True, postgresql_where=sa.text("NOT withdrawn"))
    op.drop_constraint("initial_peps_notification_id_key", "initial_peps", type_="unique")
    op.create_index("one_initial_pep_per_notification", "initial_peps", ["notification_id"], unique=True,
                    postgresql_where=sa.text("NOT withdrawn"))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
