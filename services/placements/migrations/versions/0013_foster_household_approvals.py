"""Foster households' approvals as dated records (a change of category or a second approval keeps the
history), replacing one row per household; the rows held move over as each household's first approval.

Revision ID: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foster_household_approvals",
        sa.Column("approval_id", sa.String(), primary_key=True),
        sa.Column("household_id", sa.String(64), nullable=False, index=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.CheckConstraint("category IN ('short_term', 'long_term', 'short_breaks', 'connected_persons', "
                           "'parent_and_child')", name="approval_category_is_known"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="approval_ends_after_it_starts"),
    )
    # One open approval per household at a time.
    op.create_index("one_open_approval_per_household", "foster_household_approvals", ["household_id"], unique=True,
                    postgresql_where=sa.text("end_date IS NULL AND NOT withdrawn"))
    op.execute("""
        INSERT INTO foster_household_approvals
        SELECT household_id || '-1', household_id, category, approval_date, deregistration_date, record_version, withdrawn
        FROM foster_households
    """)
    op.drop_table("foster_households")


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
