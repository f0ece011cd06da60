"""The built wheel works without a source checkout: the example ships inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from openletter.plugins import Registry

from .conftest import EXAMPLE, ROOT


@pytest.mark.slow
def test_installed_wheel_scaffolds_and_builds_a_new_letter(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("openletter-*.whl")
    env_dir = tmp_path / "venv"
    # A virtual environment that sees this environment's dependencies (cattrs, Jinja2...) without
    # its openletter: not system_site_packages, which are the base interpreter's, not those of the
    # virtual environment the tests may run in. A .pth file adds each site-packages folder of this
    # environment as a plain folder, after the new environment's own: the .pth files in those
    # folders (such as the one of an editable install of the checkout) are not run.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = [entry for entry in sys.path if Path(entry).name in ("site-packages", "dist-packages")]
    (Path(site) / "dependencies.pth").write_text("".join(f"{entry}\n" for entry in ours), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "work"
    work.mkdir()

    # -I: no PYTHONPATH (such as this checkout's src) and no user site-packages; no plugins of
    # this environment (their code is not on the new one's path).
    environment = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1"}

    def openletter(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-I", "-m", "openletter", *args],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    where = subprocess.run(
        [str(python), "-I", "-c", "import openletter; print(openletter.__file__)"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where  # the wheel's copy, not the checkout's
    assert openletter("new", "my-letter").returncode == 0
    assert (work / "my-letter" / "letter.md").read_bytes() == EXAMPLE.read_bytes()
    result = openletter("build", "my-letter/letter.md", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (work / "out").iterdir()} == {
        f"letter{i.exporter.suffix}"
        for i in Registry(entry_points=False).formats.values()  # the built-ins
    }
    # The mail merge reads its role words from a data file inside the package.
    result = openletter("mail", "my-letter/letter.md", "--recipients", "my-letter/recipients.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("would send to") == 8
