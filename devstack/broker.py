"""Real Apache Kafka for the embedded stack (`make run`, the tests, the benchmarks), without Docker.

The broker's jars come from Maven Central through the project's own `devstack/kafka/pom.xml` (resolved once
into a cache folder by `mvn dependency:copy-dependencies`). The broker runs with `java` on loopback as one
KRaft node, controller and broker in one process (as in docker-compose.yml), its data in a folder of our
choosing that survives restarts. The topics come from `infra/kafka/topics.conf`, the file docker-compose's
kafka-init reads too.
"""

import hashlib
import logging
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import stop_leftover, terminate
from devstack.services import ROOT

log = logging.getLogger(__name__)

KAFKA_FILES = Path(__file__).resolve().parent / "kafka"
POM = KAFKA_FILES / "pom.xml"
TOPICS_FILE = ROOT / "infra" / "kafka" / "topics.conf"
CACHE = ROOT / ".devstack" / "cache"
CLUSTER_ID = "b-wr5WqCSMKGlAYaFSUwTg"  # as in docker-compose.yml; any base64 UUID, fixed per data folder
MAIN_CLASS = "kafka.Kafka"


class BrokerUnavailable(RuntimeError):
    """No JVM or Maven here, or Maven could not resolve Kafka: the real broker cannot run."""


def kafka_classpath(cache: Path = CACHE) -> str:
    """The broker's classpath, resolving the jars from Maven Central on first use (keyed by the pom's content)."""
    java, mvn = shutil.which("java"), shutil.which("mvn")
    if not java or not mvn:
        raise BrokerUnavailable(f"Apache Kafka needs a JDK 17+ and Maven on PATH (java: {java or 'missing'}, mvn: {mvn or 'missing'})")
    libs = cache / f"kafka-{hashlib.sha256(POM.read_bytes()).hexdigest()[:12]}"
    if not (libs / ".complete").exists():
        partial = libs.with_name(libs.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        print(f"resolving Apache Kafka from Maven Central ({POM.relative_to(ROOT)}) into {libs} ...", flush=True)
        result = subprocess.run(
            [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={partial}", "-DincludeScope=runtime"],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BrokerUnavailable(f"mvn could not resolve Apache Kafka:\n{(result.stdout + result.stderr)[-3000:]}")
        (partial / ".complete").touch()
        shutil.rmtree(libs, ignore_errors=True)
        partial.rename(libs)
    return f"{libs}/*"


@dataclass
class KafkaBroker:
    """One KRaft node (broker + controller) on loopback with its data in ``data_dir``.

    ``durable``: flush every append to disk before acknowledging it. A single node has no replica to fall back
    on, so without it a power cut can lose events the outbox already counts as published. Tests turn it off.
    """

    data_dir: Path
    port: int = 9092
    controller_port: int = 9093
    durable: bool = True
    heap: str = "512m"
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def create_topics(self) -> list[str]:
        return ensure_topics(self.bootstrap_servers)

    def describe(self) -> str:
        return f"Apache Kafka {kafka_version()} (KRaft, 1 node) at {self.bootstrap_servers}, data in {self.data_dir}"

    def start(self, timeout: float = 90) -> "KafkaBroker":
        classpath = kafka_classpath()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # A broker left running by a run that was killed holds the data folder's lock: stop it first.
        stop_leftover(self.pid_file, marker=str(self.data_dir))
        for port in (self.port, self.controller_port):
            if _port_open(port):
                raise RuntimeError(f"port {port} is taken by another program; stop it, or point KAFKA_BOOTSTRAP_SERVERS "
                                   "at the broker already running there")
        config = self._write_config()
        java = [shutil.which("java"), "-cp", classpath, f"-Dlog4j2.configurationFile={KAFKA_FILES / 'log4j2.properties'}",
                f"-Dkafka.logs.dir={self.data_dir}"]
        if not (self.data_dir / "logs" / "meta.properties").exists():
            subprocess.run([*java, "kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c", str(config)],
                           check=True, capture_output=True, text=True)
        with open(self.data_dir / "stdout.log", "ab") as out:
            # Its own session: a terminal's Ctrl-C reaches make run, which stops the services before the broker.
            self.process = subprocess.Popen(
                [*java[:1], f"-Xmx{self.heap}", "-Xms128m", "-XX:+UseG1GC", *java[1:], MAIN_CLASS, str(config)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.pid_file.write_text(str(self.process.pid))
        try:
            self._wait_until_answering(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30) -> None:
        """Controlled shutdown (SIGTERM); SIGKILL only if it has not finished in ``timeout`` seconds."""
        if self.process is not None:
            terminate(self.process, timeout)
            self.process = None
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no controlled shutdown, no flush."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def _write_config(self) -> Path:
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir / "logs"),
            # One node cannot keep more than one replica of anything.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Topics come from topics.conf with their partitions and retention; a misspelt topic fails, as in compose.
            "auto.create.topics.enable": "false",
            "num.partitions": "6",
        }
        if self.durable:
            settings["log.flush.interval.messages"] = "1"
        config = self.data_dir / "server.properties"
        config.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        return config

    def _wait_until_answering(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Kafka broker exited with {self.process.returncode}; see {self.log_file}\n{self._log_tail()}")
            if _port_open(self.port) and cluster_answers(self.bootstrap_servers, timeout=2):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the Kafka broker did not answer within {timeout:.0f}s; see {self.log_file}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        for name in ("server.log", "stdout.log"):
            path = self.data_dir / name
            if path.exists() and path.stat().st_size:
                return path.read_text(errors="replace")[-2000:]
        return ""


def kafka_version() -> str:
    text = POM.read_text()
    return text.split("<kafka.version>", 1)[1].split("</kafka.version>", 1)[0]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _admin(bootstrap_servers: str):
    from confluent_kafka.admin import AdminClient

    # confluent-kafka's AdminClient speaks the current CreateTopics protocol (aiokafka's admin fails on Kafka 4: its #1008).
    return AdminClient({"bootstrap.servers": bootstrap_servers, "log_level": 0, "logger": log})


def cluster_answers(bootstrap_servers: str, timeout: float) -> bool:
    try:
        return bool(_admin(bootstrap_servers).list_topics(timeout=timeout).brokers)
    except Exception:
        return False


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str]


def topic_specs(path: Path = TOPICS_FILE) -> list[TopicSpec]:
    specs = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, partitions, *settings = line.split()
            specs.append(TopicSpec(name, int(partitions), dict(s.split("=", 1) for s in settings)))
    return specs


def ensure_topics(bootstrap_servers: str, specs: list[TopicSpec] | None = None, timeout: float = 30) -> list[str]:
    """Create the topics that do not exist yet (with their partitions and configs); returns the names created."""
    from confluent_kafka.admin import NewTopic

    admin = _admin(bootstrap_servers)
    existing = set(admin.list_topics(timeout=timeout).topics)
    wanted = [s for s in (specs or topic_specs()) if s.name not in existing]
    if not wanted:
        return []
    futures = admin.create_topics(
        [NewTopic(s.name, num_partitions=s.partitions, replication_factor=1, config=s.config) for s in wanted],
        operation_timeout=timeout, request_timeout=timeout,
    )
    for future in futures.values():
        future.result()
    return [s.name for s in wanted]
