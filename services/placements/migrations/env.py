from backbone.migrations import run_env
from placements_service.models import SQLModel

run_env(SQLModel.metadata)
