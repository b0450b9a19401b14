"""The Claude data analyst in the Lab, in real Chromium, on the e2e hub: the user's server
runs the real ``claude`` CLI through the hub's LLM gateway to the fake model, scripted as an
analyst (``tests/fakes/analyst.py``) over a project with two related tables. From the
project's Data section, "Claude" opens the analyst panel; the request streams a log; the
dashboard it made opens in Voila with every chart drawn; the notebook opens and ran top to
bottom. On the hub without a model key the panel shows why AI is off instead of the form.
Screenshots: ``test-artifacts/labextension/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.fakes.analyst import FINDINGS, JOINED, AnalystScript
from tests.server_extension.datastudio.test_voila_render import TRACES_JS

from .lab import Lab, project_in_panel
from .model import Model
from .prereq import ok

pytestmark = [pytest.mark.slow]

BROKEN_JS = """() => Array.from(document.querySelectorAll('[data-widget]'))
  .filter(cell => cell.textContent.includes('Error displaying widget'))
  .map(cell => cell.dataset.widget + ': ' + cell.textContent.trim().slice(0, 200))"""

PROJECT = "e2e-analyst"
CUSTOMERS = "customer_id,region\n" + "".join(f"{1000 + i},{['North', 'South', 'East', 'West'][i % 4]}\n"
                                             for i in range(100))
ORDERS = "order_id\tcustomer_id\tamount\n" + "".join(f"{i}\t{1000 + (i * 7) % 80}\t{10 + (i * 13) % 90}.5\n"
                                                      for i in range(1, 501))


def two_tables(lab: Lab) -> str:
    """The project with customers.csv and orders.tsv (sharing customer_id), analysed."""
    if lab.api("GET", f"orpheus/api/projects/{PROJECT}").status_code == 404:
        ok(lab.api("POST", "orpheus/api/projects", json={"name": PROJECT}), "the project")
    folder = f"projects/{PROJECT}/data"
    if lab.api("GET", f"api/contents/{folder}?content=0").status_code == 404:
        ok(lab.api("PUT", f"api/contents/{folder}", data=json.dumps({"type": "directory"})), "the data folder")
    for name, text in (("customers.csv", CUSTOMERS), ("orders.tsv", ORDERS)):
        body = {"type": "file", "format": "text", "content": text}
        ok(lab.api("PUT", f"api/contents/{folder}/{name}", data=json.dumps(body)), name)
    ok(lab.api("POST", f"orpheus/api/projects/{PROJECT}/analyze", json={}), "the analysis")
    return PROJECT


@pytest.fixture
def analyst(model: Model) -> Iterator[AnalystScript]:
    """The fake model answers the analyst's requests; every other caller as before."""
    before = model.fake.responder
    script = AnalystScript(fallback=model.reply)
    model.fake.responder = script
    yield script
    model.fake.responder = before


def open_analyst(page: Page, project: str) -> None:
    panel = project_in_panel(page, project)
    panel.get_by_role("button", name=f"Ask Claude to analyze the data of {project}").click()
    expect(page.locator(".orpheus-Analyst:visible")).to_have_count(1)


def check_dashboard_panel(lab: Lab) -> None:
    """The dashboard's Voila panel in the Lab: every chart drawn."""
    page = lab.page
    frame = None
    for _ in range(120):
        frame = next((f for f in page.frames if "/voila/render/" in f.url), None)
        if frame is not None:
            break
        page.wait_for_timeout(500)
    assert frame is not None, "the dashboard panel never loaded Voila"
    try:  # every chart drawn: plotly has set data and layout (with the widget id) on each figure
        frame.wait_for_function(f"Object.keys(({TRACES_JS})()).length >= 2", timeout=240_000)
    except PlaywrightTimeout:
        broken = frame.evaluate(BROKEN_JS)
        raise AssertionError(f"charts drawn: {frame.evaluate(TRACES_JS)}; cells showing a widget error "
                             f"(Voila's widget manager): {broken}") from None
    finally:
        lab.shot("analyst-dashboard")
    assert frame.evaluate(TRACES_JS) == {"by-region": 1, "amounts": 1}


def test_claude_analyses_two_tables_into_a_dashboard_and_a_notebook(lab: Lab, analyst: AnalystScript) -> None:
    two_tables(lab)
    page = lab.page
    open_analyst(page, PROJECT)
    view = page.locator(".orpheus-Analyst:visible")
    expect(view.get_by_role("note", name="AI is off")).to_have_count(0)
    box = view.get_by_role("textbox", name="What should Claude analyze?")
    box.fill("Which regions bring the most revenue? Join the orders to the customers.")
    lab.shot("analyst-request")
    view.get_by_role("button", name="Ask Claude to analyze").click()
    log = view.get_by_role("log", name="Run log")
    expect(log.locator("[data-kind=tool]").first).to_contain_text("Bash:", timeout=120_000)
    lab.shot("analyst-running")
    links = view.get_by_role("list", name="Made by Claude")
    expect(links).to_contain_text("Dashboard: Orders by region", timeout=240_000)
    expect(links).to_contain_text("runs top to bottom", timeout=240_000)
    expect(view.locator(".orpheus-Analyst-answer")).to_have_text(FINDINGS)
    expect(log).to_contain_text("JOINED 500 REGIONS 4")  # the Python Claude ran on the two tables
    expect(view.locator("[role=alert]")).to_have_count(0)
    expect(view.get_by_role("button", name="Ask Claude to analyze")).to_be_enabled()
    # the side panel is refreshed: the new dashboard and the joined data file are listed
    expect(page.locator("#orpheus-panel [data-dashboard]", has_text="Orders by region")).to_have_count(1)
    expect(page.locator("#orpheus-panel")).to_contain_text(JOINED)
    lab.shot("analyst-done")
    assert analyst.requests, "the analyst never reached the fake model through the gateway"

    last = ok(lab.api("GET", f"orpheus/api/projects/{PROJECT}/analyst"), "the last run")["last_run"]
    [board] = last["dashboards"]
    spec = ok(lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards/{board['id']}"), "the dashboard")["spec"]
    assert spec["data_source"]["file"] == JOINED

    links.get_by_role("button", name="Dashboard: Orders by region").click()
    check_dashboard_panel(lab)

    open_analyst(page, PROJECT)  # back to the analyst tab
    page.locator(".orpheus-Analyst:visible").get_by_role("button", name=re.compile("^Notebook: analyst-")).click()
    notebook = page.locator(".jp-NotebookPanel:visible")
    expect(notebook).to_contain_text("REGIONS 4", timeout=60_000)  # saved with the outputs of its run
    lab.shot("analyst-notebook")


def test_ai_off_shows_the_reason_instead_of_the_form(off_lab: Lab) -> None:
    two_tables(off_lab)
    page = off_lab.page
    open_analyst(page, PROJECT)
    view = page.locator(".orpheus-Analyst:visible")
    note = view.get_by_role("note", name="AI is off")
    expect(note).to_contain_text("No AI model is configured on this hub")
    expect(view.get_by_role("textbox", name="What should Claude analyze?")).to_have_count(0)
    off_lab.shot("analyst-ai-off")
    answer = off_lab.api("POST", f"orpheus/api/projects/{PROJECT}/analyst", json={"request": "anything"})
    assert answer.status_code == 503
    assert answer.json()["message"] == off_lab.api("GET", "orpheus/api/llm").json()["message"]
