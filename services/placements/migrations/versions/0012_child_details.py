"""The child's sex, ethnicity and UASC status (903 header and UASC tables), and a period's category of need.

Revision ID: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("children", sa.Column("sex", sa.String(1), nullable=True))
    op.add_column("children", sa.Column("ethnicity", sa.String(4), nullable=True))
    op.add_column("children", sa.Column("uasc", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("children", sa.Column("uasc_ceased_date", sa.Date(), nullable=True))
    op.create_check_constraint("uasc_ceases_only_for_uasc", "children", "uasc_ceased_date IS NULL OR uasc")
    op.add_column("care_periods", sa.Column("category_of_need", sa.String(2), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("roll forward with a new migration")
