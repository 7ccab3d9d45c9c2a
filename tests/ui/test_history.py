"""Conversations kept in the browser: round trip of turns, 新对话 keeps the old one, reopen,
and whatever the browser sends back is checked, never trusted."""

from __future__ import annotations

import json

import pytest

from ui import history as H

pytestmark = pytest.mark.unit


@pytest.fixture
def turns(answer, refusal):
    return [
        {"turn": 0, "question": "广东是怎么推进数字政府的？", "outcome": "answer", "answer": answer,
         "html": "<div>a</div>", "script": "simplified", "shown_script": "simplified",
         "seconds": 0.2, "rating": "up", "settings": {"doc_ids": "all"}},
        {"turn": 1, "question": "", "outcome": "error", "answer": None, "html": "<div>e</div>"},
        {"turn": 2, "question": "明天天气如何？", "outcome": "refusal", "answer": refusal, "html": "<div>r</div>"},
        {"turn": 3, "question": "还在答", "outcome": "pending", "answer": None, "html": "<div>p</div>"},
    ]


def test_turns_survive_a_round_trip_through_json(turns, answer, refusal):
    rows = json.loads(json.dumps(H.dump_turns(turns)))
    back = H.load_turns(rows)
    assert [t["outcome"] for t in back] == ["answer", "error", "refusal"]  # pending not kept
    assert back[0]["answer"] == answer and back[2]["answer"] == refusal
    assert back[0]["rating"] == "up" and back[0]["seconds"] == 0.2 and back[2]["turn"] == 2


def test_new_conversation_keeps_the_old_one_and_it_reopens(turns):
    store = H.keep(None, turns)
    store = H.archive(store, turns, "2026-01-01T10:00:00+08:00")
    assert store["current"] == [] and len(store["past"]) == 1
    assert H.choices(store) == [("广东是怎么推进数字政府的？（2026-01-01 10:00）", 0)]
    assert H.archive(store, [], "t")["past"] == store["past"]  # an empty chat is not listed
    store, opened = H.reopen(store, 0, [], "t")
    assert [t["question"] for t in opened][:1] == ["广东是怎么推进数字政府的？"]
    assert store["past"] == [] and len(store["current"]) == 3


@pytest.mark.parametrize(
    "bad",
    [None, "x", [], {"current": "x", "past": 3}, {"current": [{"html": 1}], "past": [{"turns": [1]}]},
     {"current": [{"outcome": "answer", "html": "<p>", "answer": {"question": "q"}}], "past": []}],
)
def test_malformed_stores_are_dropped_not_raised(bad):
    store = H.normalise(bad)
    assert H.load_turns(store["current"]) == []
    H.choices(store)
    H.reopen(store, 5, [])
    H.reopen(store, "x", [])


def test_long_conversations_and_lists_are_capped(turns):
    many = [dict(turns[0], turn=i) for i in range(H.MAX_TURNS + 5)]
    assert len(H.dump_turns(many)) == H.MAX_TURNS
    store = H.empty()
    for _ in range(H.MAX_PAST + 3):
        store = H.archive(store, turns[:1])
    assert len(store["past"]) == H.MAX_PAST
