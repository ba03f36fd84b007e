"""The package build: before setuptools collects the files, copy the shaded jar from jobs/target
into modernbert_spark/jars/ and generate modernbert_spark/_stages.py from the Java stages' Params
(see build_tools/). Everything else is in pyproject.toml."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_tools.prepare import prepare_package  # noqa: E402


class BuildWithJar(build_py):
    def run(self) -> None:
        prepare_package()
        super().run()


setup(cmdclass={"build_py": BuildWithJar})
