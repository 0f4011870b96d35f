"""The pages in a real browser (headless Chromium): screenshots of the home page, a
resource page and the ontology page, kept for people to look at, and the rendered DOM.

The screenshots go to ``tests/artifacts/screenshots/`` (git-ignored), or to the directory
named by ``BACKCARE_KG_SCREENSHOTS``. The browser may reach the test server only: every
other host fails to resolve, so a page that needed the network would show it.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.live_server import LiveServer

pytestmark = [pytest.mark.server, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BACKCARE_KG_SCREENSHOTS",
                                  Path(__file__).parents[1] / "artifacts" / "screenshots"))
WIDTH, HEIGHT = 1280, 1600

#: Page name, path, and text its rendered DOM must hold.
PAGES = [
    ("home", "/", ["The flagship question", 'class="answer-name" href="/resource/yoga">yoga</a>',
                   '<form class="query-form" action="/sparql" method="get">',
                   '<a class="badge badge-level level-editorial" href="/ontology#Editorial"',
                   "not medical advice"]),
    ("resource-yoga", "/resource/yoga", ["<h1>yoga</h1>", 'class="badge badge-inferred"',
                                         'class="badge badge-level level-generalized"',
                                         "<mark>pain should limit exercise during the acute "
                                         "phase</mark>", '<svg xmlns="http://www.w3.org/2000/svg"'
                                         ' class="diagram"']),
    ("ontology", "/ontology", ['id="Activity"', 'id="RecommendedActivity"', 'id="justifiedBy"',
                               'id="Editorial"',
                               "backcare-kg ontology: exercise for back pain"]),
]


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a profile of its own (so that several run at once)."""
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
               f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def png_size(path: Path) -> tuple[int, int]:
    """The width and height of the PNG at ``path`` (fails if it is no PNG)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def browsed(server: LiveServer, tmp_path_factory: pytest.TempPathFactory,
            ) -> dict[str, tuple[Path, subprocess.CompletedProcess[str], str]]:
    """Each page's screenshot (and Chromium's run making it) and rendered DOM; the browser
    runs for every page at once."""
    if not CHROMIUM.exists():
        pytest.skip("no browser at /usr/bin/chromium: apt-get install chromium "
                    "(.ci/run installs it)")
    work = tmp_path_factory.mktemp("browser")

    jobs = {}
    with ThreadPoolExecutor(max_workers=2 * len(PAGES)) as pool:
        for name, path, _ in PAGES:
            url = server.url + path
            jobs[name] = (pool.submit(chromium, work / f"{name}-shot",
                                      f"--screenshot={work / name}.png", url),
                          pool.submit(chromium, work / f"{name}-dom", "--dump-dom", url))
        found = {}
        for name, (shot, dom) in jobs.items():
            assert dom.result().returncode == 0, dom.result().stderr[-2000:]
            found[name] = (work / f"{name}.png", shot.result(), dom.result().stdout)
    return found


@pytest.mark.parametrize(("name", "path", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_a_browser(browsed: dict[str, tuple[Path, subprocess.CompletedProcess[str], str]],
                           name: str, path: str, expected: list[str]) -> None:
    shot, run, dom = browsed[name]
    assert shot.exists(), run.stderr[-2000:]
    assert png_size(shot) == (WIDTH, HEIGHT)
    assert shot.stat().st_size > 40_000, "the screenshot looks blank"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOTS / f"{name}.png")
    assert '<html lang="en">' in dom
    for text in expected:
        assert text in dom, (name, text)
