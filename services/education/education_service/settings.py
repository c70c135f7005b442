from backbone.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "education"
