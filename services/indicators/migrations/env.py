from backbone.migrations import run_env
from indicators_service.projections import SQLModel

run_env(SQLModel.metadata)
