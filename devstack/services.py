"""The five services, as the launcher, the tests and the benchmarks start them."""

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Service:
    name: str  # also its database name and its Kafka topic (for producers)
    package: str
    port: int

    @property
    def directory(self) -> Path:
        return ROOT / "services" / self.name.replace("_", "-")

    @property
    def database(self) -> str:
        return self.name


SERVICES = [
    Service("placements", "placements_service", 8001),
    Service("health", "health_service", 8002),
    Service("education", "education_service", 8003),
    Service("leaving_care", "leaving_care_service", 8004),
    Service("indicators", "indicators_service", 8005),
]
