"""scripts/test on a machine that is not this one: the platform decisions in scripts/platform.sh, run in
bash with a PATH of our own making (no apt-get, no chromium, a fake `uname` and a fake python that
answers `pip config list`), so nothing is installed and nothing is downloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.e2e import conftest

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def fake_machine(tmp_path: Path, system: str, pip_config: str = "") -> dict[str, str]:
    """A bin folder holding only `uname`, `grep` and a python whose `pip config list` prints
    ``pip_config``; returns the environment that runs the functions there."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "uname").write_text(f"#!/bin/sh\necho {system}\n")
    (bin_dir / "python").write_text(f"#!/bin/sh\nprintf '%s' \"{pip_config}\"\n")
    for tool in ("uname", "python"):
        (bin_dir / tool).chmod(0o755)
    grep = next(Path(d) / "grep" for d in ("/usr/bin", "/bin") if (Path(d) / "grep").exists())
    (bin_dir / "grep").symlink_to(grep)
    return {"PATH": str(bin_dir), "PYTHON": str(bin_dir / "python"),
            "CONVSCOPE_CHROMIUM": str(tmp_path / "none")}


def run(function: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    script = f'. "{ROOT}/scripts/platform.sh"; {function} "$@"'
    return subprocess.run(["/bin/bash", "-c", script, "bash", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=60)


def test_ordinary_linux_takes_pytorchs_cpu_index(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Linux")
    assert run("torch_index_args", env).stdout.strip() == CPU_INDEX


@pytest.mark.parametrize(
    "config",
    ["global.extra-index-url='file:///opt/pypi/simple'", "global.index-url='https://mirror.example/simple'",
     ":env:.find-links='/opt/wheels'"],
)
def test_a_machine_with_its_own_index_keeps_it(tmp_path: Path, config: str) -> None:
    env = fake_machine(tmp_path, "Linux", config)
    assert run("torch_index_args", env).stdout.strip() == ""


def test_macos_takes_pypis_wheel_which_is_cpu_already(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Darwin")
    assert run("torch_index_args", env).stdout.strip() == ""


def test_pip_environment_variables_and_the_override_are_respected(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Linux")
    assert run("torch_index_args", {**env, "PIP_FIND_LINKS": "/wheels"}).stdout.strip() == ""
    mirror = {**env, "CONVSCOPE_TORCH_INDEX": "https://mirror.example/cpu"}
    assert run("torch_index_args", mirror).stdout.strip() == "--extra-index-url https://mirror.example/cpu"
    assert run("torch_index_args", {**env, "CONVSCOPE_TORCH_INDEX": ""}).stdout.strip() == ""


def test_a_machine_whose_pip_names_an_index_is_left_as_it_is() -> None:
    # On a machine like the one this was written on, pip's configuration names a local index holding
    # the CPU build (`pip install torch==2.13.0` finds it): scripts/test adds nothing to it.
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("CONVSCOPE_TORCH_INDEX", None)
    configured = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                                text=True, check=False).stdout
    if "index-url=" not in configured and "find-links=" not in configured:
        pytest.skip("this machine's pip names no index of its own")
    assert run("torch_index_args", env).stdout.strip() == ""


def test_no_browser_anywhere_is_found_as_none(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Darwin")  # no apt-get, no chromium, a python without playwright
    result = run("find_chromium", env)
    assert (result.returncode, result.stdout) == (0, "")


def test_debians_chromium_comes_first(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Linux")
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert run("find_chromium", {**env, "CONVSCOPE_CHROMIUM": str(chromium)}).stdout.strip() == str(chromium)


@pytest.mark.parametrize(
    ("args", "skips"),
    [(["-m", "not e2e"], True), (["-q", "-m", "not e2e and not slow"], True), (["-m not e2e"], True),
     (["-k", "conv"], False), ([], False), (["-m", "e2e"], False)],
)
def test_not_e2e_needs_no_browser(tmp_path: Path, args: list[str], skips: bool) -> None:
    env = fake_machine(tmp_path, "Darwin")
    assert (run("skips_browser_tests", env, *args).returncode == 0) is skips


@pytest.mark.parametrize(("cores", "quota", "args", "expected"), [
    ("2", None, [], "-n 2"), ("16", None, [], "-n 4"), ("1", None, [], ""),
    ("", None, [], ""),  # neither nproc nor getconf: one process
    ("64", "200000 100000", [], "-n 2"), ("64", "150000 100000", [], "-n 2"), ("2", "max 100000", [], "-n 2"),
    ("2", None, ["-k", "conv"], "-n 2"), ("2", None, ["-n", "3"], ""), ("2", None, ["-n3"], ""),
    ("2", None, ["--numprocesses=3"], ""), ("2", None, ["-p", "no:xdist"], ""),
    ("2", None, ["-pno:xdist"], ""),
])
def test_auto_runs_one_worker_per_usable_core_unless_pytests_arguments_choose(
    tmp_path: Path, cores: str, quota: str | None, args: list[str], expected: str
) -> None:
    env = {**fake_machine(tmp_path, "Linux"), "CONVSCOPE_CPU_MAX": str(tmp_path / "cpu.max"),
           "CONVSCOPE_TEST_WORKERS": "auto"}
    if quota is not None:  # a container's CPU quota, as cgroup v2 writes it
        (tmp_path / "cpu.max").write_text(quota + "\n")
    if cores:
        nproc = Path(env["PATH"]) / "nproc"
        nproc.write_text(f"#!/bin/sh\necho {cores}\n")
        nproc.chmod(0o755)
    assert run("xdist_args", env, *args).stdout.strip() == expected


def test_the_tests_run_in_one_process_unless_workers_are_asked_for(tmp_path: Path) -> None:
    env = fake_machine(tmp_path, "Linux")
    nproc = Path(env["PATH"]) / "nproc"
    nproc.write_text("#!/bin/sh\necho 8\n")
    nproc.chmod(0o755)
    assert run("xdist_args", env).stdout.strip() == ""
    assert run("xdist_args", {**env, "CONVSCOPE_TEST_WORKERS": "3"}).stdout.strip() == "-n 3"
    assert run("xdist_args", {**env, "CONVSCOPE_TEST_WORKERS": "1"}).stdout.strip() == ""


def test_scripts_test_is_valid_bash_and_sources_the_platform_functions() -> None:
    assert subprocess.run(["/bin/bash", "-n", str(ROOT / "scripts/test")], check=False).returncode == 0
    text = (ROOT / "scripts/test").read_text()
    assert ". scripts/platform.sh" in text
    assert "$(torch_index_args)" in text
    assert '$(xdist_args "$@")' in text


def test_the_browser_fixture_falls_back_to_playwrights_chromium_then_to_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", str(tmp_path / "no-debian-chromium"))
    bundled = tmp_path / "chrome"
    bundled.write_text("")
    assert conftest.chromium_path(SimpleNamespace(executable_path=str(bundled))) == str(bundled)
    assert conftest.chromium_path(SimpleNamespace(executable_path=str(tmp_path / "absent"))) is None
    assert "playwright install chromium" in conftest.NO_BROWSER
