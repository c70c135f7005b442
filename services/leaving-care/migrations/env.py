from backbone.migrations import run_env
from leaving_care_service.models import SQLModel

run_env(SQLModel.metadata)
