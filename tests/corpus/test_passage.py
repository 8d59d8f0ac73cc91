"""A passage read unit by unit from its Markdown structure: what an answer may quote."""

from __future__ import annotations

from assistant.corpus.passage import SHORT_LIST, units

LIST = """The Service's own delegation list is ordered as follows:

1. Head of delegation.
2. Deputy head of delegation, if one is named.
3. Other members by function.

Interpreters are listed separately."""


def test_a_lead_in_and_its_list_share_a_group() -> None:
    got = units(LIST)
    lead, *items, after = got
    assert lead.lead and lead.text.endswith(":")
    assert [i.kind for i in items] == ["item"] * 3
    assert {i.group for i in items} == {lead.group}
    assert [i.number for i in items] == [1, 2, 3] and all(i.ordered for i in items)
    assert after.group != lead.group and after.kind == "sentence"


def test_a_lead_in_without_its_list_is_dangling() -> None:
    text = "Some context here for the reader.\n\nThe list is ordered as follows:"
    *_, last = units(text)
    assert last.dangling and not last.lead
    # Followed by a paragraph, not a list: dangling too.
    got = units("The steps are these:\n\nA paragraph instead of a list follows here.")
    assert got[0].dangling


def test_markdown_syntax_never_reaches_the_text() -> None:
    text = (
        "The **protocol desk** answers [within a day](https://example.invalid/x) "
        "![Screenshot of the form](./figures/form.png) and `liaison check` helps.\n\n"
        "<div>raw html</div>\n"
    )
    (unit,) = units(text)
    assert unit.text == "The protocol desk answers within a day and liaison check helps."
    assert "**" not in unit.text and "](" not in unit.text and "<div>" not in unit.text


def test_table_rows_carry_their_header() -> None:
    text = "| Meeting | Led by |\n| --- | --- |\n| Level zero | head of service |\n| Expert exchange | senior expert |\n"
    rows = units(text)
    assert [r.kind for r in rows] == ["row", "row"]
    assert rows[0].text == "Meeting: Level zero; Led by: head of service"
    assert "|" not in rows[1].text


def test_code_is_a_unit_of_its_own_and_keeps_its_lead_in() -> None:
    text = "Run the check like this:\n\n```shell\nliaison check doc --to XBO\n```\n\nThen read it."
    lead, code, after = units(text)
    assert code.kind == "code" and code.text == "liaison check doc --to XBO"
    assert lead.lead and code.group == lead.group
    assert after.kind == "sentence"
    # A tilde fence with a backtick line inside is one code unit (CommonMark, not a regex).
    (fence,) = units("~~~~\n```\nnot a fence end\n~~~~\n")
    assert fence.kind == "code" and "not a fence end" in fence.text


def test_headings_are_not_quoted_and_markings_are_stripped() -> None:
    got = units("## (U) Gifts\n\n(U) Gifts are modest. They are declared.")
    assert [u.text for u in got] == ["Gifts are modest.", "They are declared."]


def test_nested_items_keep_their_depth_and_a_short_list_stays_whole() -> None:
    text = "- Seating plan drawn.\n  - Place cards set.\n- Name cards checked.\n"
    got = units(text)
    assert [u.depth for u in got] == [0, 1, 0]
    assert len({u.group for u in got}) == 1  # a checklist read in part misleads


def test_a_long_list_without_a_lead_in_is_quoted_item_by_item() -> None:
    text = "\n".join(f"- Item number {n} of the register." for n in range(SHORT_LIST + 1))
    got = units(text)
    assert len({u.group for u in got}) == SHORT_LIST + 1


def test_a_second_paragraph_of_an_item_continues_it() -> None:
    text = "1. First step of the procedure.\n\n   More about the first step.\n2. Second step.\n"
    first, second = units(text)
    assert first.text == "First step of the procedure. More about the first step."
    assert second.number == 2


def test_a_table_comes_with_the_sentence_that_introduces_it() -> None:
    table = "\n\n| Event | Limit |\n| --- | --- |\n| Working lunch | EUR 40 |\n| Dinner | EUR 90 |\n"
    for lead_in in ("The limits per head are:", "It is paid under the following limits per head."):
        lead, *rows = units(lead_in + table)
        assert lead.lead and not lead.dangling
        assert [r.kind for r in rows] == ["row", "row"]
        assert {r.group for r in rows} == {lead.group}
    # Without a lead-in each row stands alone.
    rows = units(table.strip())
    assert len({r.group for r in rows}) == 2


def test_a_sentence_announcing_what_follows_is_an_ordinary_one_without_it() -> None:
    first, second = units("Read the following notes first.\n\nThey are short and clear.")
    assert not (first.lead or first.dangling) and first.group != second.group
    # Before a list it is the list's lead-in, like a sentence ending with a colon.
    lead, *items = units("Bring the following items.\n\n- a badge\n- a pen\n")
    assert lead.lead and {i.group for i in items} == {lead.group}
