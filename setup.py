"""Packages only (metadata is in pyproject.toml).

sample_data/ sits at the top of the repository, where people look for it, and installs as
`qc_console.sample_data`, so a plain `pip install .` can build the demo too.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["qc_console", "qc_console.*"]) + ["qc_console.sample_data"],
    package_dir={"qc_console.sample_data": "sample_data"},
)
