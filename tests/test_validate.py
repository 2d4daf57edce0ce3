"""Unit tests of stage validate: typed entities from checked YAML, references, all problems collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookgen.load import load_content
from bookgen.problems import Problems
from bookgen.validate import validate


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def run(root: Path):
    problems = Problems()
    entities = validate(load_content(root, problems), problems)
    return entities, [p.format() for p in problems.sorted()]


def test_mini_entities_are_typed_and_complete(mini_project: Path) -> None:
    e, problems = run(mini_project)
    assert problems == []
    assert list(e.sources) == ["other", "talks"] and list(e.actors) == ["alpha", "alphaland", "beta"]
    ann = e.annotations["t-alpha-90"]
    assert (ann.source, ann.kind, ann.speaker, ann.actors, ann.issues, ann.claim) == (
        "talks", "figure", "alpha", ("alpha",), ("peace-plan",), "plan-share")
    assert ann.date.label == "28 Dec 2025" and ann.figure.value == "90"
    assert (ann.quote_loc.path, ann.quote_loc.line) == ("content/annotations/talks.yaml", 12)
    assert e.sources["talks"].published is None and e.sources["other"].published.label == "29 Dec 2025"
    assert e.sources["other"].left_out[0].reason == "repeats the first paragraph"
    assert e.actors["alpha"].affiliation == "alphaland" and e.actors["alpha"].aliases == ("Alfa",)
    status = e.issues["guarantees"].status
    assert [s.as_of.text for s in status] == ["late 2025-11", "2025-12-28"]  # in time order
    assert e.events["proposal"].date.precision == "part-month"


def test_speaker_comes_first_among_actors_without_repeats(mini_project: Path) -> None:
    edit(mini_project, "content/annotations/talks.yaml", "    speaker: beta\n",
         "    speaker: beta\n    actors: [alpha, beta]\n")
    e, problems = run(mini_project)
    assert problems == []
    assert e.annotations["t-beta-95"].actors == ("beta", "alpha")


def test_unknown_ids_are_reported_with_a_suggestion(mini_project: Path) -> None:
    edit(mini_project, "content/annotations/talks.yaml", "speaker: beta", "speaker: betta")
    edit(mini_project, "content/issues/peace-plan.yaml", "cite: [t-alpha-90, o-alpha-90]",
         "cite: [t-alpha-90, o-alpha-09]")
    _, problems = run(mini_project)
    assert problems == [
        "content/annotations/talks.yaml:27:14: error: unknown actor id 'betta'; did you mean 'beta'? [bookgen.unknown-id]",
        "content/issues/peace-plan.yaml:9:24: error: unknown annotation id 'o-alpha-09'; did you mean 'o-alpha-90'? [bookgen.unknown-id]"]


def test_every_problem_is_collected_in_one_run(mini_project: Path) -> None:
    edit(mini_project, "content/annotations/talks.yaml", "kind: figure", "kind: figgure")
    edit(mini_project, "content/issues/peace-plan.yaml", "as_of: 2025-12-28", "as_of: 2025-12-32")
    edit(mini_project, "content/actors/beta.yaml", "name: Beta", "name: Beta\nunknown_field: 1")
    edit(mini_project, "content/annotations/other.yaml", "source: other", "source: talks")
    _, problems = run(mini_project)
    assert [p.rsplit("[", 1)[1] for p in problems] == [
        "bookgen.schema]", "bookgen.annotations-source-mismatch]", "bookgen.schema]", "bookgen.bad-date]"]


def test_a_file_that_failed_its_own_checks_is_not_reported_again_as_unknown(mini_project: Path) -> None:
    # talks.yaml fails its schema: the annotations it declares are still known ids elsewhere
    edit(mini_project, "content/annotations/talks.yaml", "kind: figure", "kind: figgure")
    _, problems = run(mini_project)
    assert len(problems) == 1 and "[bookgen.schema]" in problems[0]


def test_an_unreadable_file_is_not_reported_again_as_unknown(mini_project: Path) -> None:
    # guarantees.yaml has a YAML error: 'guarantees' named elsewhere is not a second problem
    edit(mini_project, "content/issues/guarantees.yaml", "title: Guarantees", "title: Guarantees\ntitle: again")
    _, problems = run(mini_project)
    assert [p.rsplit("[", 1)[1] for p in problems] == ["bookgen.yaml-duplicate-key]"], problems


def test_annotations_of_an_unreadable_source_file_are_not_reported_again(mini_project: Path) -> None:
    edit(mini_project, "content/sources/other.yaml", "title: Alpha confirms", "title: Alpha confirms\ntitle: x")
    _, problems = run(mini_project)
    assert [p.rsplit("[", 1)[1] for p in problems] == ["bookgen.yaml-duplicate-key]"], problems


def test_duplicate_annotation_id_across_files(mini_project: Path) -> None:
    edit(mini_project, "content/annotations/other.yaml", "id: o-alpha-90", "id: t-beta-95")
    edit(mini_project, "content/issues/peace-plan.yaml", "o-alpha-90", "t-alpha-90")
    _, problems = run(mini_project)
    assert problems == [
        "content/annotations/talks.yaml:22:5: error: duplicate annotation id 't-beta-95' (first used at "
        "content/annotations/other.yaml:3); annotation ids are unique across the book [bookgen.duplicate-id]"]


def test_parent_cycle(mini_project: Path) -> None:
    edit(mini_project, "content/issues/peace-plan.yaml", "title: The peace plan",
         "title: The peace plan\nparent: guarantees")
    _, problems = run(mini_project)
    assert sorted(p.rsplit("[", 1)[1] for p in problems) == ["bookgen.parent-cycle]"] * 2


def test_a_name_used_by_two_actors_is_a_warning(mini_project: Path) -> None:
    edit(mini_project, "content/actors/beta.yaml", "name: Beta", "name: Beta\naliases: [alfa]")
    _, problems = run(mini_project)
    assert problems == ["content/actors/beta.yaml:1:1: warning: alias 'alfa' is also used by actor 'alpha'; "
                        "a name should point to one actor [bookgen.duplicate-alias]"]


def test_annotations_for_an_unknown_source(mini_project: Path) -> None:
    (mini_project / "content" / "annotations" / "talk.yaml").write_text("source: talk\nannotations: []\n")
    _, problems = run(mini_project)
    assert any("annotations for unknown source 'talk'" in p and "did you mean 'talks'?" in p for p in problems), problems


@pytest.mark.parametrize("value", ["unknown", "2025-12-29", "late 2025-12"])
def test_published_may_be_unknown_or_any_date_form(mini_project: Path, value: str) -> None:
    edit(mini_project, "content/sources/other.yaml", "published: 2025-12-29", f"published: {value}")
    e, problems = run(mini_project)
    assert problems == []
    published = e.sources["other"].published
    assert (published is None) == (value == "unknown")


def _all_content_documents() -> list[tuple[str, str, object]]:
    """(schema, file, data) for every content file in the repo and its test fixtures."""
    from bookgen.load import KINDS
    from bookgen.problems import Problems
    from bookgen.yamlstrict import read_yaml

    repo = Path(__file__).resolve().parent.parent
    out = []
    for path in sorted([*repo.glob("content/*/*.yaml"), *repo.glob("tests/fixtures/**/content/*/*.yaml")]):
        kind = path.parent.name
        doc = read_yaml(path.read_bytes(), str(path), Problems())
        if kind in KINDS and doc is not None:
            out.append((KINDS[kind], str(path), doc.data))
    return out


def test_the_quick_schema_check_gives_the_full_validators_verdict() -> None:
    """fastjsonschema decides valid/invalid; jsonschema only explains. They must agree everywhere."""
    import copy

    import fastjsonschema

    from bookgen.schemas import quick_check, validator

    docs = _all_content_documents()
    assert len(docs) > 100
    variants = []
    for name, path, data in docs:  # each document, and each made wrong in ways the patterns catch
        variants.append((name, path, data))
        if isinstance(data, dict):
            for key, bad in (("id", "ok\n"), ("id", "con"), ("id", "a" * 200), ("source", "Bad Id"),
                             ("date", "2025-12-27\n"), ("kind", "person\n"), ("title", ""), ("name", 5)):
                if key in data:
                    changed = copy.deepcopy(data)
                    changed[key] = bad
                    variants.append((name, f"{path} [{key}={bad!r}]", changed))
            for i, ann in enumerate(data.get("annotations", []) if isinstance(data.get("annotations"), list) else []):
                if isinstance(ann, dict) and i < 2:
                    for key, bad in (("id", "x\n"), ("id", "con"), ("id", "index"), ("id", "a" * 200),
                                     ("speaker", "nul"), ("date", "27 Dec"), ("speaker", "Nope"), ("quote", "")):
                        changed = copy.deepcopy(data)
                        changed["annotations"][i][key] = bad
                        variants.append((name, f"{path} [annotations.{i}.{key}={bad!r}]", changed))
                    for kind in ("statement", "position", "figure", "event", "assessment", "other", None):
                        for dropped in (None, "kind", "speaker", "issues", "stance", "figure", "event"):
                            changed = copy.deepcopy(data)  # the kind-dependent rules (if/then)
                            if kind is not None:
                                changed["annotations"][i]["kind"] = kind
                            changed["annotations"][i].pop(dropped, None)
                            variants.append((name, f"{path} [annotations.{i}: kind {kind}, no {dropped}]", changed))
    disagree = []
    for name, where, data in variants:
        full = not any(True for _ in validator(name).iter_errors(data))
        try:
            quick_check(name)(data)
            quick = True
        except fastjsonschema.JsonSchemaException:
            quick = False
        if quick != full:
            disagree.append(f"{where}: quick {quick}, full {full}")
    assert not disagree, "\n".join(disagree[:20])


def test_a_broken_annotation_leaves_the_others_checked_at_their_own_lines(mini_project: Path) -> None:
    """Issue 19: a schema error in one annotation does not hide problems in the next ones, and
    the annotations after the broken one are still pointed at their own lines."""
    edit(mini_project, "content/annotations/talks.yaml", "    note: Alpha and Beta met in Florida on 28 December 2025.\n", "")
    edit(mini_project, "content/annotations/talks.yaml", "speaker: beta", "speaker: betta")
    edit(mini_project, "content/issues/guarantees.yaml", "title:", "titel:")
    e, problems = run(mini_project)
    assert "t-meeting" not in e.annotations and "t-beta-95" in e.annotations
    assert problems == [
        "content/annotations/talks.yaml:3:5: error: missing required field 'note' in annotations[1]; "
        "add it (see CONTENT.md) [bookgen.schema]",
        "content/annotations/talks.yaml:26:14: error: unknown actor id 'betta'; did you mean 'beta'? "
        "[bookgen.unknown-id]",
        "content/issues/guarantees.yaml:1:1: error: missing required field 'title' in the file; add it "
        "(see CONTENT.md) [bookgen.schema]",
        "content/issues/guarantees.yaml:1:1: error: unknown field 'titel'; did you mean 'title'? [bookgen.schema]",
    ]


def test_salvage_keeps_original_positions_through_rounds() -> None:
    from bookgen.salvage import salvage

    data = {"source": "s", "annotations": [
        {"id": "a", "kind": "position", "quote": "q", "note": "n", "issues": ["i"]},  # no stance
        {"id": "b", "kind": "assessment", "quote": "q", "note": "n", "extra": "x"},
        {"id": "c", "kind": "assessment", "quote": "q", "note": "n"}]}
    got = salvage(data, "annotations")
    assert [a["id"] for a in got.data["annotations"]] == ["b", "c"]
    assert got.original_path(("annotations", 1, "quote")) == ("annotations", 2, "quote")
    assert salvage({"source": "s"}, "annotations") is None
