"""`pia-extract serve` in a real headless Chromium (Debian chromium + chromium-driver, driven by Selenium).

The page loads, a facet filters, a Japanese search finds a contractor, a row's source link
serves the very file the row was read from (its sha256 is the row's doc_id) at the row's page.
Skipped when the browser is not installed here; under CI (`CI=true`) a missing browser fails.
`PIA_SCREENSHOT=docs/explorer.png pytest tests/test_explore_browser.py` also saves the screenshot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pyarrow.parquet as pq
import pymupdf
import pytest

from extractor.explore.sqlite import FTS_COLUMNS
from tests.conftest import system_tools_or_skip
from tests.test_batch_support import cli_env, pia_extract_cmd

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _browser_or_skip() -> None:
    system_tools_or_skip([p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()], "chromium chromium-driver")


@pytest.fixture(scope="module")
def server(samples_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`pia-extract serve` on a free port; yields its URL, read from the line it prints once it listens."""
    _browser_or_skip()
    dest = tmp_path_factory.mktemp("serve_db")
    cmd = pia_extract_cmd("serve", str(samples_out), "--port", "0", "--dest", str(dest))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()  # printed after the socket listens; "" if the server died
    try:
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.stderr else ""
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1300", "--lang=ja"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def cells(driver: object, column: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, f"table.rows-and-columns td.col-{column}")]


def test_the_explorer_loads_filters_searches_and_links_rows_to_their_source(
        server: str, browser: object, samples_out: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    entrustments = pq.read_table(samples_out / "entrustments").to_pylist()

    driver.get(f"{server}/entrustments")
    assert driver.find_element(By.TAG_NAME, "h1").text == "委託"  # the Japanese title from the metadata
    assert "委託先名(正規化)" in driver.find_element(By.CSS_SELECTOR, "dl.column-descriptions").text
    assert len(cells(driver, "doc_id")) == len(entrustments)

    facet = driver.find_element(By.CSS_SELECTOR, "#facet-contractor_normalized li a")
    value = facet.text
    facet.click()
    assert f"contractor_normalized={quote(value)}" in driver.current_url
    expected = [r for r in entrustments if r["contractor_normalized"] == value]
    assert cells(driver, "contractor_normalized") == [value] * len(expected)

    name = max((r["contractor_normalized"] for r in entrustments if r["contractor_normalized"]), key=len)
    term = name.replace("株式会社", "")  # what a user types: the company's name without its legal form
    driver.get(f"{server}/entrustments")
    box = driver.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys(term, Keys.ENTER)
    found = [r for r in entrustments if any(term in (r[c] or "") for c in FTS_COLUMNS["entrustments"])]
    assert len(cells(driver, "doc_id")) == len(found) > 0
    assert name in cells(driver, "contractor_normalized")
    shot = tmp_path / "explorer.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("PIA_SCREENSHOT"):
        shutil.copy(shot, os.environ["PIA_SCREENSHOT"])

    link = driver.find_element(By.CSS_SELECTOR, "td.col-source_url a.pia-source")
    href, row_doc = link.get_attribute("href") or "", cells(driver, "doc_id")[0]
    row = next(r for r in found if r["doc_id"] == row_doc)
    page = row["page"]
    path, _, fragment = href.partition("#")
    assert unquote(path).startswith(f"{server.rsplit('/', 1)[0]}/-/source/{row_doc}/")
    assert fragment == (f"page={page}" if page is not None else "")
    with urllib.request.urlopen(path) as response:
        served = response.read()
        assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(served).hexdigest() == row_doc  # the very bytes the row was read from
    if page is not None:  # the record starts on the linked page and holds the value on the pages it spans
        with pymupdf.open(stream=served, filetype="pdf") as pdf:
            text = "".join("".join(pdf[p - 1].get_text().split()) for p in row["pages"] or [page])
        assert "".join((row["contractor"] or "").split()) in text


def test_a_two_character_search_in_the_search_box_finds_rows(server: str, browser: object,
                                                             samples_out: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    entrustments = pq.read_table(samples_out / "entrustments").to_pylist()
    term = "委託"
    found = [r for r in entrustments if any(term in (r[c] or "") for c in FTS_COLUMNS["entrustments"])]
    driver.get(f"{server}/entrustments")
    start = driver.current_url
    driver.find_element(By.CSS_SELECTOR, "input[name=_search]").send_keys(term, Keys.ENTER)
    # a key press does not wait for the page it submits (a search, or the short-term query it redirects to)
    WebDriverWait(driver, 120).until(
        lambda d: d.current_url != start and d.execute_script("return document.readyState") == "complete")
    assert len(cells(driver, "doc_id")) == len(found) > 0


def test_a_port_in_use_is_a_usage_error(samples_out: Path, tmp_path: Path) -> None:
    import socket

    from tests.test_batch_support import pia_extract

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = pia_extract("serve", str(samples_out), "--port", str(port), "--dest", str(tmp_path))
    assert res.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in res.stderr
