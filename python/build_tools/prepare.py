"""Puts the built jar into the package and generates the stage classes from it.

Run by setup.py before every build; runnable alone too (``python build_tools/prepare.py``), which
is what an in-tree run without ``pip install`` needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
JOBS_TARGET = REPO / "jobs" / "target"
PACKAGE = PYTHON_DIR / "modernbert_spark"
PACKAGED_JAR = PACKAGE / "jars" / "modernbert-spark-jobs.jar"
GENERATED = PACKAGE / "_stages.py"
MANIFEST_MAIN = "dev.modernbert.jobs.StageParamsManifest"

BUILD_FIRST = 'build it first, from the repository root ({repo}): mvn -B -DskipTests package'


class BuildError(RuntimeError):
    pass


def jobs_jar(target: Path = JOBS_TARGET) -> Path:
    """The shaded jobs jar (what bin/modernbert-spark runs): the default build's, which carries the
    CPU libtorch, else the gpu profile's (-gpu.jar, libtorch from the GPU machine)."""
    found = sorted(
        (
            j
            for j in target.glob("modernbert-spark-jobs-*.jar")
            if not j.name.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar"))
        ),
        key=lambda j: (not j.name.endswith("-gpu.jar"), j.name),
    )
    if not found or not (target / "lib").is_dir():
        raise BuildError(
            f"modernbert-spark: the Python package carries the jobs jar, and {target} has no "
            f"modernbert-spark-jobs-*.jar and lib/; " + BUILD_FIRST.format(repo=REPO)
        )
    return found[-1]


def java_command() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java:
        raise BuildError("modernbert-spark: the package build runs java (Java 17); none on the PATH or in JAVA_HOME")
    return java


def stage_manifest(jar: Path) -> dict:
    """The stages' Params as StageParamsManifest reads them from the JVM (Spark from jobs/target/lib)."""
    classpath = os.pathsep.join([str(jar), str(jar.parent / "lib" / "*")])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stages.json"
        run = subprocess.run(
            [java_command(), "-cp", classpath, MANIFEST_MAIN, str(out)],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BuildError(
                f"modernbert-spark: {MANIFEST_MAIN} failed (exit {run.returncode}) on {jar}; is the jar "
                f"current? " + BUILD_FIRST.format(repo=REPO) + "\n" + run.stderr[-4000:]
            )
        return json.loads(out.read_text(encoding="utf-8"))


def prepare_package() -> None:
    from build_tools.generate_params import render_module

    jar = jobs_jar()
    PACKAGED_JAR.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(jar, PACKAGED_JAR)
    GENERATED.write_text(render_module(stage_manifest(jar)), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(PYTHON_DIR))
    try:
        prepare_package()
    except BuildError as e:
        sys.exit(str(e))
    print(f"wrote {PACKAGED_JAR} and {GENERATED}")
