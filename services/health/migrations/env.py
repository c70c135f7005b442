from backbone.migrations import run_env
from health_service.models import SQLModel

run_env(SQLModel.metadata)
