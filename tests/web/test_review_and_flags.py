"""The review page (only with --review, only for this machine, CSRF-checked) and the flag form
of a claim's page, against a real server over a data folder with a proposed source."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from waitress.server import create_server

from ingest.flags import read_flags
from kg.build import build
from kg.resources import bundled_corpus
from kg.store import open_store
from tests.conftest import Server, add_coach_source, run_kgqa
from web import create_app

CLAIM = "https://w3id.org/kgqa/claim/coach/"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def review_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("review")
    add_coach_source(data)
    build(bundled_corpus(), data)
    return data


@pytest.fixture(scope="module")
def review_server(review_data: Path) -> Iterator[Server]:
    app = create_app({"DATA_DIR": str(review_data), "REVIEW": True, "INCLUDE_PROPOSED": True})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    yield Server(url=f"http://127.0.0.1:{port}")
    httpd.close()


def session(server: Server, path: str) -> tuple[str, str, str]:
    """GET a page as a browser would: its HTML, the session cookie and the form token."""
    status, headers, body = server.get(path, {"Accept": "text/html"})
    assert status == 200, body[:300]
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    html = body.decode()
    return html, cookie, TOKEN.search(html).group(1)  # type: ignore[union-attr]


def post(
    server: Server, path: str, form: dict[str, str | list[str]], cookie: str
) -> tuple[int, str, bytes]:
    """POST a form without following the redirect (a list is a field sent once per value, as a
    multiple choice is): status, Location, body."""
    data = urllib.parse.urlencode(form, doseq=True).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(server.url).netloc, timeout=60)
    try:
        connection.request("POST", path, data, headers)
        reply = connection.getresponse()
        return reply.status, reply.getheader("Location", ""), reply.read()
    finally:
        connection.close()


def test_the_review_page_is_off_without_review(server: Server) -> None:
    status, _, _ = server.get("/review", {"Accept": "text/html"})
    assert status == 404


def test_serve_refuses_review_off_loopback() -> None:
    result = run_kgqa("serve", "--review", "--host", "0.0.0.0", "--port", "8999", timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "kgqa: error: --review serves the review page on a loopback address only, not 0.0.0.0"
    ]


def test_the_review_page_refuses_other_machines_and_other_host_names(
    review_server: Server, review_data: Path
) -> None:
    app = create_app({"DATA_DIR": str(review_data), "REVIEW": True})
    remote = app.test_client().get("/review", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert remote.status_code == 403
    status, _, _ = review_server.get("/review", {"Host": "attacker.example"})
    assert status == 403


def test_review_lists_proposed_claims_and_refuses_a_post_without_token(
    review_server: Server,
) -> None:
    html, cookie, _ = session(review_server, "/review")
    assert "Coach Dana&#39;s notes" in html and "Swimming after leg day improves recovery." in html
    assert "not yet reviewed" in html
    status, _, _ = post(
        review_server, "/review/coach/claims/swim-recovery", {"action": "accept"}, cookie
    )
    assert status == 403
    status, _, _ = post(
        review_server,
        "/review/coach/claims/swim-recovery",
        {"action": "accept", "csrf": "forged"},
        cookie,
    )
    assert status == 403


def test_accept_edit_and_undo_from_the_page(review_server: Server, review_data: Path) -> None:
    path = review_data / "library" / "900_coach.claims.yaml"
    _, cookie, token = session(review_server, "/review")
    status, location, _ = post(
        review_server,
        "/review/coach/claims/swim-recovery",
        {"action": "accept", "csrf": token},
        cookie,
    )
    assert status == 303 and "done=accept" in location
    claims = {c["id"]: c for c in yaml.safe_load(path.read_text())["claims"]}
    assert claims["swim-recovery"]["status"] == "accepted"
    status, _, body = post(
        review_server,
        "/review/coach/claims/swim-soreness",
        {"action": "edit", "csrf": token, "summary": "", "hedge": "likely"},
        cookie,
    )
    assert status == 400 and b"summary" in body
    assert yaml.safe_load(path.read_text())["claims"][1]["status"] == "proposed"
    status, _, _ = post(
        review_server,
        "/review/coach/claims/swim-soreness",
        {"action": "edit", "csrf": token, "summary": "a <b>gentle</b> swim", "hedge": "likely"},
        cookie,
    )
    assert status == 303
    edited = yaml.safe_load(path.read_text())["claims"][1]
    assert (edited["hedge"], edited["status"], edited["summary"]) == (
        "likely",
        "accepted",
        "a <b>gentle</b> swim",
    )
    status, location, _ = post(review_server, "/review/coach/undo", {"csrf": token}, cookie)
    assert status == 303 and "done=undo" in location
    assert yaml.safe_load(path.read_text())["claims"][1]["status"] == "proposed"


def test_edit_goals_and_conditions_from_the_page(review_server: Server, review_data: Path) -> None:
    path = review_data / "library" / "900_coach.claims.yaml"
    html, cookie, token = session(review_server, "/review")
    form = html[html.index('id="goals-coach-swim-soreness"') :]
    assert '<option value="soreness-relief" selected>soreness relief</option>' in form
    conditions = form[form.index('id="condition-coach-swim-soreness"') :]
    assert '<option value="low-intensity" selected>low intensity</option>' in conditions
    before = path.read_bytes()
    edit = {"action": "edit", "csrf": token, "summary": "an easy swim may relieve soreness"}
    target = "/review/coach/claims/swim-soreness"
    for bad, message in (
        ({"goals": ["", "nope"]}, b"choose goals from the list"),
        ({"condition": ["", "recovery"]}, b"choose conditions from the list"),  # a goal
        ({"hedge": "surely"}, b"choose how sure it is from the list"),
        ({"goals": [""]}, b"an effect claim needs at least one goal"),  # the build's own check
    ):
        status, _, body = post(review_server, target, {**edit, **bad}, cookie)
        assert (status, message in body) == (400, True), body[:300]
        assert b"Traceback" not in body
    assert path.read_bytes() == before
    chosen = {"goals": ["", "soreness-relief", "recovery"], "condition": [""], "hedge": "likely"}
    status, _, _ = post(review_server, target, {**edit, **chosen}, cookie)
    assert status == 303
    edited = yaml.safe_load(path.read_text())["claims"][1]
    assert (edited["goals"], edited["hedge"], edited["status"]) == (
        ["soreness-relief", "recovery"],
        "likely",
        "accepted",
    )
    assert "caveats" not in edited  # no condition chosen: the claim holds whenever
    status, _, _ = post(review_server, target, {**edit, "condition": ["", "sore-legs"]}, cookie)
    assert status == 303
    assert yaml.safe_load(path.read_text())["claims"][1]["caveats"] == {"condition": ["sore-legs"]}
    for _ in range(2):
        assert post(review_server, "/review/coach/undo", {"csrf": token}, cookie)[0] == 303
    assert path.read_bytes() == before


def test_flag_a_claim_from_its_page(review_server: Server, review_data: Path) -> None:
    html, cookie, token = session(review_server, "/claim/coach/no-hard-run")
    assert "Is this claim wrong?" in html and "not yet reviewed" in html
    form = {
        "csrf": token,
        "claim": f"{CLAIM}no-hard-run",
        "aspect": "condition",
        "reason": "<script>x</script> only after a very hard session",
    }
    status, location, _ = post(review_server, "/flag", form, cookie)
    assert status == 303 and location.endswith("/claim/coach/no-hard-run?flagged=1#flag")
    flags = [f for f in read_flags(review_data) if f.claim == f"{CLAIM}no-hard-run"]
    assert [(f.aspect, f.reason) for f in flags] == [("condition", form["reason"])]
    assert post(review_server, "/flag", {**form, "csrf": "x"}, cookie)[0] == 403
    assert post(review_server, "/flag", {**form, "reason": "x" * 301}, cookie)[0] == 400
    assert post(review_server, "/flag", {**form, "claim": f"{CLAIM}nope"}, cookie)[0] == 404
    review_html = session(review_server, "/review")[0]
    assert "&lt;script&gt;x&lt;/script&gt; only after" in review_html
    assert "<script>x" not in review_html
    statuses = [post(review_server, "/flag", form, cookie)[0] for _ in range(6)]
    assert 429 in statuses  # rate-limited per address
    build(bundled_corpus(), review_data)
    store = open_store(review_data).store
    assert store.query(
        "PREFIX oa: <http://www.w3.org/ns/oa#> ASK { GRAPH <https://w3id.org/kgqa/graph/flags> "
        f"{{ ?a oa:motivatedBy oa:questioning ; oa:hasTarget <{CLAIM}no-hard-run> }} }}"
    )


def test_the_answer_page_marks_unreviewed_citations(review_server: Server) -> None:
    q = urllib.parse.quote("Is it okay to run hard the morning after leg day?")
    status, _, body = review_server.get(f"/ask?q={q}", {"Accept": "text/html"})
    assert status == 200
    assert "Coach Dana" in body.decode() and "not yet reviewed" in body.decode()
