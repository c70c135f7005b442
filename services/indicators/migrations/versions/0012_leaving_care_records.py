"""Leaving care: contacts, accommodation, activities, pathway plans, staying-put arrangements and support after
21, from the leaving-care topic; a care-leaver status decision's reason.

Revision ID: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _record(table: str, id_column: str, *columns: sa.Column) -> None:
    op.create_table(
        table,
        sa.Column(id_column, sa.String(), primary_key=True),
        sa.Column("child_id", sa.String(), nullable=False, index=True),
        *columns,
        sa.Column("record_version", sa.Integer(), nullable=False),
    )


def upgrade() -> None:
    _record("care_leaver_contacts", "contact_id",
            sa.Column("contact_date", sa.Date(), nullable=False), sa.Column("in_touch", sa.String(), nullable=False))
    _record("care_leaver_accommodation", "accommodation_id",
            sa.Column("start_date", sa.Date(), nullable=False), sa.Column("accommodation", sa.String(), nullable=False))
    _record("care_leaver_activities", "activity_id",
            sa.Column("start_date", sa.Date(), nullable=False), sa.Column("activity", sa.String(), nullable=False))
    _record("pathway_plans", "plan_id",
            sa.Column("plan_date", sa.Date(), nullable=False), sa.Column("kind", sa.String(), nullable=False))
    _record("staying_put_arrangements", "arrangement_id",
            sa.Column("start_date", sa.Date(), nullable=False), sa.Column("end_date", sa.Date(), nullable=True))
    _record("continuing_support", "support_id", sa.Column("kind", sa.String(), nullable=False),
            sa.Column("start_date", sa.Date(), nullable=False), sa.Column("end_date", sa.Date(), nullable=True))
    op.add_column("care_leaver_statuses", sa.Column("reason", sa.String(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
