"""The embedded stack's own pieces: leftover processes after an unclean stop, and the broker's prerequisites."""

import subprocess
import sys

import pytest

from devstack import broker
from devstack.processes import alive, stop_leftover


def test_a_leftover_process_of_ours_is_stopped_and_its_pid_file_removed(tmp_path):
    ours = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(tmp_path)])
    pid_file = tmp_path / "server.pid"
    pid_file.write_text(str(ours.pid))
    stop_leftover(pid_file, marker=str(tmp_path), timeout=5)
    assert ours.wait(5) is not None
    assert not pid_file.exists()


def test_a_pid_now_used_by_another_program_is_left_alone(tmp_path):
    theirs = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pid_file = tmp_path / "server.pid"
        pid_file.write_text(str(theirs.pid))
        stop_leftover(pid_file, marker=str(tmp_path), timeout=5)
        assert alive(theirs.pid)  # the number was reused: not ours to stop
        assert not pid_file.exists()  # but the stale file is gone
    finally:
        theirs.kill()
        theirs.wait()


def test_a_stale_pid_file_of_a_dead_process_is_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(f"{dead.pid}\n{tmp_path}\n")
    stop_leftover(pid_file, marker=str(tmp_path))
    assert not pid_file.exists()


def test_without_java_or_maven_the_real_broker_is_unavailable_and_says_why(monkeypatch, tmp_path):
    monkeypatch.setattr(broker.shutil, "which", lambda name: None if name == "java" else f"/usr/bin/{name}")
    with pytest.raises(broker.BrokerUnavailable, match="JDK 17\\+ and Maven"):
        broker.kafka_classpath(tmp_path)


def test_the_pinned_kafka_matches_the_compose_image():
    compose = (broker.ROOT / "docker-compose.yml").read_text()
    version = broker.kafka_version()
    major_minor = ".".join(version.split(".")[:2])
    images = {line.split("apache/kafka:")[1].strip() for line in compose.splitlines() if "apache/kafka:" in line}
    assert images and all(".".join(image.split(".")[:2]) == major_minor for image in images)
