"""Protocols are data: the shipped files load, and a malformed file is named with its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.protocols import Kind, ProtocolError, Response, Role, load_protocols


def test_the_shipped_protocols_load() -> None:
    protocols = load_protocols()
    assert set(protocols) == {"quick", "full", "parent-child"}
    quick = protocols["quick"]
    assert [(s.title, s.writer, s.response) for s in quick.steps] == [
        ("What happened for me", Role.FIRST, Response.MIRROR),
        ("What happened for me", Role.SECOND, Response.MIRROR),
        ("My part", Role.FIRST, Response.READ),
        ("My part", Role.SECOND, Response.READ),
    ], "the four moves: each is heard, validated, and owns their part; the commitment comes last, once"
    assert all(s.validate_prompt for s in quick.steps[:2])
    full = protocols["full"]
    assert [s.kind for s in full.steps[:2]] == [Kind.AGREE, Kind.SEALED]
    responses = {s.title: s.response for s in full.steps}
    assert responses["What triggered me"] is Response.READ, "the triggers get at least a read acknowledgement"
    assert responses["My part"] is Response.ACCEPT and "What I need" in responses
    assert "constructive" not in " ".join(s.title.lower() for s in full.steps), "the closing asks it, once"
    child = protocols["parent-child"]
    assert child.parent_led and [s.writer for s in child.steps] == [Role.FIRST] * 3, "the parent does it all"
    assert "It wasn't your fault" in [s.title for s in child.steps]


def _load(tmp_path: Path, text: str) -> None:
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    load_protocols(tmp_path)


GOOD_STEP = '[[steps]]\nkind = "speak"\ntitle = "Say it"\nprompt = "Go."\nresponse = "none"\n'


def test_adding_a_protocol_is_adding_a_file(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(f'name = "Mine"\ndescription = "Small."\n{GOOD_STEP}', encoding="utf-8")
    assert load_protocols(tmp_path)["mine"].steps[0].title == "Say it"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\ndescription = "y"\n', "mine.toml: steps must be a non-empty list"),
        ('description = "y"\n' + GOOD_STEP, "mine.toml.name is missing"),
        (
            'name = "x"\ndescription = "y"\n' + GOOD_STEP.replace('"speak"', '"talk"'),
            "mine.toml: steps[0].kind must be one of speak, sealed, agree (got 'talk')",
        ),
        (
            'name = "x"\ndescription = "y"\n' + GOOD_STEP.replace('"Say it"', '"' + "t" * 46 + '"'),
            "mine.toml: steps[0].title is 46 characters; the limit is 45",
        ),
        (
            'name = "x"\ndescription = "y"\n' + GOOD_STEP.replace('"none"', '"mirror"'),
            "mine.toml: steps[0].response_prompt is needed",
        ),
        (
            'name = "x"\ndescription = "y"\n[[steps]]\nkind = "sealed"\ntitle = "t"\nprompt = "p"\nwriter = "first"\n',
            "mine.toml: steps[0].writer only applies to speak steps",
        ),
        (
            'name = "x"\ndescription = "y"\n' + GOOD_STEP + 'validate_prompt = "v"\n',
            "mine.toml: steps[0].validate_prompt only goes with response = 'mirror'",
        ),
        (
            'name = "x"\ndescription = "y"\n' + GOOD_STEP + "each = 1\n",
            "mine.toml: steps[0].each must be true or false",
        ),
        ('name = "x\n', "mine.toml"),
    ],
)
def test_a_malformed_file_is_named_with_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        _load(tmp_path, text)
    assert message in str(raised.value)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="no protocol files"):
        load_protocols(tmp_path)
