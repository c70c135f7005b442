from backbone.migrations import run_env
from education_service.models import SQLModel

run_env(SQLModel.metadata)
