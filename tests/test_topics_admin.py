"""Topics managed deliberately: the list and a page per topic, create, rename, merge, delete, and
the workflow's rule that a column is tagged only with topics that exist."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session, col, func, select
from starlette.datastructures import FormData

from app.editorial.forms import read_article_form
from app.models import Article, ArticleRevision, AuditEntry, Topic
from app.templating import templates
from tests.asking import LETTER, send_letter
from tests.editing import answer_form, csrf_of, log_in, log_out, newest_question, post_answer
from tests.helpers import soup
from tests.topic_setup import make_topics

READY = {
    "summary": "A summary.",
    "answer": "Hold the line, kindly.",
    "byline": "Test Editor",
    "anonymisation_reviewed": "1",
}
HUGE = "9" * 30


def _post(client: TestClient, path: str, **data: object) -> Response:
    return client.post(path, data={**data, "csrf_token": csrf_of(client, "/admin/queue")})


def _went(response: Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("location", "")


def _column(client: TestClient, title: str, topics: str, action: str = "publish") -> int:
    """A letter answered with this title and these topics (signed in as an editor); its id."""
    assert send_letter(client, question=f"{LETTER} ({title})").status_code == 303
    qid = newest_question(client).id or 0
    response = post_answer(client, qid, action, title=title, topics=topics, **READY)
    assert response.status_code == 303, response.text
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Article.id).where(Article.title == title)).one() or 0


def _topics_of(client: TestClient, article_id: int) -> list[str]:
    from app.editorial.articles import article_topic_names

    with Session(client.app.state.services.engine) as session:
        return article_topic_names(session=session, article_id=article_id)


def _topic_names(client: TestClient) -> list[str]:
    with Session(client.app.state.services.engine) as session:
        return list(session.exec(select(Topic.name).order_by(col(Topic.name))).all())


def _audited(client: TestClient, action: str) -> list[str]:
    with Session(client.app.state.services.engine) as session:
        rows = session.exec(select(AuditEntry.detail).where(AuditEntry.action == action)).all()
        return list(rows)


def test_the_list_shows_each_topic_with_its_counts(newsroom: TestClient) -> None:
    make_topics(newsroom, "Safety", "Gifts", "Money")
    log_in(newsroom, "editor")
    _column(newsroom, "The client who followed me home", "Safety, Gifts")
    _column(newsroom, "A present at the last session", "Gifts", action="save")
    doc = soup(newsroom.get("/admin/topics").text)
    rows = {
        r.select_one("th").get_text(strip=True): [td.get_text(strip=True) for td in r("td")]
        for r in doc.select("table.topic-table tbody tr")
    }
    assert rows == {
        "Gifts": ["/topics/gifts", "1", "2"],
        "Money": ["/topics/money", "0", "0"],
        "Safety": ["/topics/safety", "1", "1"],
    }
    link = doc.select_one("table.topic-table tbody th a")
    assert link is not None and link["href"].startswith("/admin/topics/")


def test_an_editor_creates_a_topic_and_a_columnist_cannot(newsroom: TestClient) -> None:
    log_in(newsroom, "columnist")
    assert newsroom.get("/admin/topics").status_code == 403
    assert _post(newsroom, "/admin/topics", name="Boundaries").status_code == 403
    log_out(newsroom)
    log_in(newsroom, "editor")
    created = _post(newsroom, "/admin/topics", name="  Dual   relationships ", description="Two")
    (topic_id,) = make_topics(newsroom, "Dual relationships")  # the one just made, not a new one
    assert _went(created) == (303, f"/admin/topics/{topic_id}?done=topic-created")
    page = soup(newsroom.get(created.headers["location"]).text)
    assert page.select_one(".flash").get_text() == "Topic created."
    assert page.select_one("h1").get_text() == "Dual relationships"
    assert _topic_names(newsroom) == ["Dual relationships"]
    assert _audited(newsroom, "topic.create") == ["Dual relationships"]
    again = _post(newsroom, "/admin/topics", name="dual relationships")
    assert again.status_code == 422
    assert "already exists" in soup(again.text).select_one(".notice--error").get_text()
    assert _topic_names(newsroom) == ["Dual relationships"]


def test_the_picker_creates_a_topic_as_json(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    token = csrf_of(newsroom, "/admin/queue")
    headers = {"Accept": "application/json"}
    made = newsroom.post(
        "/admin/topics", data={"name": "Fees", "csrf_token": token}, headers=headers
    )
    assert made.status_code == 201
    assert made.json()["name"] == "Fees" and made.json()["slug"] == "fees"
    twice = newsroom.post(
        "/admin/topics", data={"name": "FEES", "csrf_token": token}, headers=headers
    )
    assert twice.status_code == 422 and "already exists" in twice.json()["error"]
    unsigned = newsroom.post("/admin/topics", data={"name": "Other"}, headers=headers)
    assert unsigned.status_code == 403
    assert _topic_names(newsroom) == ["Fees"]


def test_renaming_leaves_a_permanent_redirect(newsroom: TestClient) -> None:
    (topic_id,) = make_topics(newsroom, "Safety")
    log_in(newsroom, "editor")
    _column(newsroom, "The client who followed me home", "Safety")
    renamed = _post(newsroom, f"/admin/topics/{topic_id}", name="Client safety", description="")
    assert renamed.status_code == 403  # editors create; admins rename
    log_out(newsroom)
    log_in(newsroom, "admin")
    form = {"name": "Client safety", "description": "Staying safe at work."}
    renamed = _post(newsroom, f"/admin/topics/{topic_id}", **form)
    assert _went(renamed) == (303, f"/admin/topics/{topic_id}?done=topic-saved")
    assert _went(newsroom.get("/topics/safety")) == (301, "/topics/client-safety")
    page = soup(newsroom.get(f"/admin/topics/{topic_id}").text)
    assert "client-safety" in page.select_one(".topic-facts").get_text()
    assert _audited(newsroom, "topic.update") == ["Client safety"]


def test_merging_moves_the_columns_and_redirects(newsroom: TestClient) -> None:
    gifts, presents = make_topics(newsroom, "Gifts", "Presents")
    log_in(newsroom, "editor")
    first = _column(newsroom, "A gift from a client", "Gifts")
    second = _column(newsroom, "The present I kept", "Presents, Gifts")
    log_out(newsroom)
    log_in(newsroom, "admin")
    page = soup(newsroom.get(f"/admin/topics/{gifts}").text)
    assert [o.get_text() for o in page.select("#into option")] == ["Presents"]
    merged = _post(newsroom, "/admin/topics/merge", source=gifts, into=presents)
    assert _went(merged) == (303, f"/admin/topics/{presents}?done=topic-merged")
    assert _topic_names(newsroom) == ["Presents"]
    assert _topics_of(newsroom, first) == _topics_of(newsroom, second) == ["Presents"]
    assert _went(newsroom.get("/topics/gifts")) == (301, "/topics/presents")
    assert _audited(newsroom, "topic.merge") == ["Gifts → Presents"]
    same = _post(newsroom, "/admin/topics/merge", source=presents, into=presents)
    assert same.status_code == 422
    assert "two different topics" in soup(same.text).select_one(".notice--error").get_text()


def test_a_topic_in_use_cannot_be_deleted_until_it_is_not(newsroom: TestClient) -> None:
    safety, spare = make_topics(newsroom, "Safety", "Spare")
    log_in(newsroom, "editor")
    _column(newsroom, "The client who followed me home", "Safety", action="save")
    assert _post(newsroom, f"/admin/topics/{spare}/delete").status_code == 403
    log_out(newsroom)
    log_in(newsroom, "admin")
    refused = _post(newsroom, f"/admin/topics/{safety}/delete")
    assert refused.status_code == 409
    message = soup(refused.text).select_one(".notice--error").get_text()
    assert "1 column uses “Safety”" in message and "merge it into another topic first" in message
    assert not soup(refused.text).select("form[action$='/delete']")
    assert _topic_names(newsroom) == ["Safety", "Spare"]
    page = soup(newsroom.get(f"/admin/topics/{spare}").text)
    assert page.select_one(f"form[action='/admin/topics/{spare}/delete']") is not None
    deleted = _post(newsroom, f"/admin/topics/{spare}/delete")
    assert _went(deleted) == (303, "/admin/topics?done=topic-deleted")
    flash = soup(newsroom.get("/admin/topics?done=topic-deleted").text).select_one(".flash")
    assert flash.get_text() == "Topic deleted."
    assert _topic_names(newsroom) == ["Safety"]
    assert _audited(newsroom, "topic.delete") == ["Spare"]
    assert newsroom.get("/topics/spare").status_code == 404
    qid = newest_question(newsroom).id or 0
    assert post_answer(newsroom, qid, "save", topics="").status_code == 303
    assert _went(_post(newsroom, f"/admin/topics/{safety}/delete"))[0] == 303
    assert _topic_names(newsroom) == []


def test_a_typo_in_the_topics_is_refused_and_changes_nothing(newsroom: TestClient) -> None:
    make_topics(newsroom, "Safety")
    log_in(newsroom, "editor")
    article_id = _column(newsroom, "Before", "Safety", action="save")
    qid = newest_question(newsroom).id or 0
    response = post_answer(newsroom, qid, "save", title="After", topics="Safety, Saftey")
    assert response.status_code == 422
    doc = soup(response.text)
    error = doc.select_one("#topics-error")
    assert error is not None
    assert error.get_text(strip=True).endswith(
        "“Saftey” is not a topic. Pick an existing topic, or create it first in Topics."
    )
    assert "field--error" in error.find_parent(class_="field")["class"]
    assert _topic_names(newsroom) == ["Safety"]
    with Session(newsroom.app.state.services.engine) as session:
        article = session.get(Article, article_id)
        assert article is not None and article.title == "Before"
        revisions = session.exec(select(func.count()).select_from(ArticleRevision)).one()
    assert revisions == 1


def test_a_new_column_with_an_unknown_topic_is_not_created(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    assert send_letter(newsroom).status_code == 303
    qid = newest_question(newsroom).id or 0
    response = post_answer(newsroom, qid, "save", title="New", topics="Boundaries, Money")
    assert response.status_code == 422
    assert "“Boundaries” and “Money” are not topics" in soup(response.text).text
    with Session(newsroom.app.state.services.engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 0
    assert _topic_names(newsroom) == []


def test_an_old_name_finds_the_renamed_topic(newsroom: TestClient) -> None:
    (topic_id,) = make_topics(newsroom, "Safety")
    log_in(newsroom, "admin")
    assert _post(newsroom, f"/admin/topics/{topic_id}", name="Client safety").status_code == 303
    article_id = _column(newsroom, "Old habits", "safety", action="save")
    assert _topics_of(newsroom, article_id) == ["Client safety"]
    assert _topic_names(newsroom) == ["Client safety"]


def test_restoring_a_revision_leaves_off_a_topic_deleted_since(newsroom: TestClient) -> None:
    make_topics(newsroom, "Safety", "Money")
    log_in(newsroom, "editor")
    article_id = _column(newsroom, "Fees and fear", "Safety, Money", action="save")
    qid = newest_question(newsroom).id or 0
    assert post_answer(newsroom, qid, "save", topics="Safety").status_code == 303
    log_out(newsroom)
    log_in(newsroom, "admin")
    (money,) = make_topics(newsroom, "Money")
    assert _post(newsroom, f"/admin/topics/{money}/delete").status_code == 303
    doc = soup(newsroom.get(f"/admin/articles/{article_id}/revisions").text)
    oldest = doc.select("form[action$='/restore']")[-1]
    data = {i["name"]: i["value"] for i in oldest.select("input")}
    assert newsroom.post(oldest["action"], data=data).status_code == 303
    assert _topics_of(newsroom, article_id) == ["Safety"]
    assert _topic_names(newsroom) == ["Safety"]


@pytest.mark.parametrize(
    "name",
    ["\x00", "", "   ", "x" * 81, "A, B", "???", "安全", "y" * 5000],
)
def test_a_bad_topic_name_is_refused_not_a_crash(newsroom: TestClient, name: str) -> None:
    (topic_id,) = make_topics(newsroom, "Safety")
    log_in(newsroom, "admin")
    created = _post(newsroom, "/admin/topics", name=name)
    renamed = _post(newsroom, f"/admin/topics/{topic_id}", name=name, description="d\x00")
    assert (created.status_code, renamed.status_code) == (422, 422)
    assert soup(renamed.text).select_one(".notice--error").get_text()
    assert _topic_names(newsroom) == ["Safety"]


def test_a_nul_is_dropped_from_a_name_and_a_description(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    assert (
        _post(
            newsroom, "/admin/topics", name="Re\x00cords", description="Keep\x00 notes"
        ).status_code
        == 303
    )
    with Session(newsroom.app.state.services.engine) as session:
        topic = session.exec(select(Topic)).one()
    assert (topic.name, topic.description) == ("Records", "Keep notes")


@pytest.mark.parametrize("raw", [HUGE, "0", "-1", "abc", "1%00", "%C2%B2", "1e3"])
def test_odd_topic_ids_are_not_found(newsroom: TestClient, raw: str) -> None:
    (topic_id,) = make_topics(newsroom, "Safety")
    log_in(newsroom, "admin")
    for path in (f"/admin/topics/{raw}", f"/admin/topics/{raw}/delete"):
        assert _post(newsroom, path, name="New name").status_code in (404, 405, 422)
    assert newsroom.get(f"/admin/topics/{raw}").status_code in (404, 422)
    for source, into in ((raw, topic_id), (topic_id, raw), ("\x00", topic_id)):
        assert _post(newsroom, "/admin/topics/merge", source=source, into=into).status_code == 404
    assert _topic_names(newsroom) == ["Safety"]


def _reads_several_topics() -> bool:
    posted = FormData([("topics", "A"), ("topics", "B, C")])
    from zoneinfo import ZoneInfo

    form = read_article_form(posted, tz=ZoneInfo("UTC"), current_hero=(None, None, None))
    return form.fields.topics == ["A", "B", "C"]


def test_the_picker_without_javascript_is_a_checkbox_per_topic() -> None:
    fields = type("Fields", (), {"topics": ["safety", "Saftey"]})()
    html = templates.get_template("admin/_topics_field.html").render(
        topic_choices=["Gifts", "Safety"], fields=fields, errors={}, is_editor=False
    )
    doc = soup(html)
    boxes = {b["value"]: b.has_attr("checked") for b in doc.select("input[name=topics]")}
    assert boxes == {"Gifts": False, "Safety": True, "Saftey": True}
    assert "not a topic" in doc.select_one(".topic-picker__box--unknown").get_text()
    assert doc.select_one("[data-topic-picker]").get("data-create-url") is None
    assert doc.select_one("script[src^='/static/topic-picker.js']") is not None


@pytest.mark.skipif(not _reads_several_topics(), reason="the form reader takes one topics value")
def test_the_ticked_checkboxes_are_the_topics_saved(newsroom: TestClient) -> None:
    make_topics(newsroom, "Gifts", "Money", "Safety")
    log_in(newsroom, "editor")
    article_id = _column(newsroom, "Boxes", "Gifts", action="save")
    qid = newest_question(newsroom).id or 0
    values: dict[str, object] = {**answer_form(newsroom, qid), "action": "save"}
    values["topics"] = ["Money", "Safety"]
    response = newsroom.post(f"/admin/questions/{qid}", data=values)
    assert response.status_code == 303, response.text
    assert _topics_of(newsroom, article_id) == ["Money", "Safety"]


@pytest.mark.parametrize("odd", ["2147483648", "999999999999999999"])
def test_a_topic_id_past_what_the_table_holds_is_a_404(newsroom: TestClient, odd: str) -> None:
    log_in(newsroom, "admin")
    assert newsroom.get(f"/admin/topics/{odd}").status_code == 404
    token = csrf_of(newsroom, "/admin/topics")
    merged = newsroom.post(
        "/admin/topics/merge", data={"source": odd, "into": odd, "csrf_token": token}
    )
    assert merged.status_code == 404
