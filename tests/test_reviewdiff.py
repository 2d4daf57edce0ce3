"""``bookgen diff`` on a real two-commit git repository made in the test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hostile_support import copy_project, invoke

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOTE_OLD = "Alpha and Beta met in Florida on 28 December 2025."
NOTE_NEW = "Alpha and Beta met in Palm Beach on 28 December 2025."


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


bookgen = invoke


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: the mini book; branch 'edit' (checked out): a new actor and a reworded note."""
    root = copy_project(tmp_path / "book")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    git(root, "switch", "-q", "-c", "edit")
    (root / "content" / "actors" / "gamma.yaml").write_text("name: Gamma\nkind: person\n", "utf-8")
    ann = root / "content" / "annotations" / "talks.yaml"
    ann.write_text(ann.read_text("utf-8").replace(NOTE_OLD, NOTE_NEW), "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "two")
    return root


def test_diff_against_merge_base_lists_pages_and_shows_changes(repo: Path) -> None:
    base = git(repo, "rev-parse", "main").strip()
    code, out, err = bookgen("diff", "--root", str(repo))
    assert code == 0, err
    head, _, body = out.partition("\n\n")
    assert head.splitlines() == [
        f"book pages at {base[:12]} -> working tree: 1 added, 0 removed, 6 changed",
        "added: actors/gamma.md",
        "changed: actors/alpha.md",
        "changed: actors/beta.md",
        "changed: actors/index.md",
        "changed: dates/2025-12-28.md",
        "changed: method.md",
        "changed: sources/talks.md"]
    assert "--- a/actors/alpha.md\n+++ b/actors/alpha.md\n" in body
    said = "- *[Leaders meet on the peace plan](../sources/talks.md)* (28 Dec 2025): Alpha and [Beta](beta.md) met in"
    assert f"-{said} Florida on 28 December 2025." in body
    assert f"+{said} Palm Beach on 28 December 2025." in body
    added = body[body.index("--- /dev/null\n+++ b/actors/gamma.md\n@@ -0,0 +1,"):]
    assert "\n+# Gamma\n" in added.split("\n--- ", 1)[0]  # after the page's front matter (tags, search boost)
    assert bookgen("diff", "--root", str(repo))[1] == out  # deterministic


def test_no_change_shows_nothing(repo: Path) -> None:
    code, out, _ = bookgen("diff", "HEAD", "--root", str(repo))
    assert (code, out) == (0, "book pages at HEAD -> working tree: 0 added, 0 removed, 0 changed\n")


def test_working_tree_changes_count_and_removed_pages(repo: Path) -> None:
    (repo / "content" / "actors" / "gamma.yaml").unlink()
    code, out, _ = bookgen("diff", "HEAD", "--root", str(repo), "--stat")
    assert code == 0
    assert out.splitlines() == ["book pages at HEAD -> working tree: 0 added, 1 removed, 2 changed",
                                "removed: actors/gamma.md", "changed: actors/index.md", "changed: method.md"]


def test_nothing_is_written_into_the_project(repo: Path) -> None:
    bookgen("diff", "--root", str(repo))
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_bad_revision_is_a_usage_error(repo: Path) -> None:
    code, out, err = bookgen("diff", "no-such-rev", "--root", str(repo))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot read revision 'no-such-rev'")


def test_errors_in_the_working_tree_exit_1(repo: Path) -> None:
    (repo / "content" / "actors" / "gamma.yaml").write_text("name: Gamma\n", "utf-8")
    code, _, err = bookgen("diff", "--root", str(repo))
    assert code == 1 and "1 error(s) in its content or templates" in err


def test_a_broken_template_in_the_working_tree_exits_1(repo: Path) -> None:
    (repo / "templates" / "method.md.j2").write_text("{% if %}\n", "utf-8")
    code, _, err = bookgen("diff", "--root", str(repo))
    assert code == 1 and "1 error(s) in its content or templates" in err and "Traceback" not in err


# --- red-team item 2: diff never runs REV's code, never follows REV's links out ------------------

def test_diff_never_renders_the_revisions_templates(repo: Path) -> None:
    """A branch's template that would run a command when rendered (Jinja2 templates are code) is
    not used: REV's content is rendered with the working tree's templates."""
    git(repo, "switch", "-q", "main")
    git(repo, "switch", "-q", "-c", "evil")
    method = repo / "templates" / "method.md.j2"
    method.write_text('{{ cycler.__init__.__globals__.os.system("touch PWNED") }}\n'
                      + method.read_text("utf-8"), "utf-8")
    git(repo, "commit", "-q", "-am", "evil template")
    git(repo, "switch", "-q", "edit")
    code, out, err = bookgen("diff", "--root", str(repo), "--stat", "evil")
    assert code == 0, err
    assert not (repo / "PWNED").exists() and not Path("PWNED").exists()
    assert "changed: method.md" in out  # its pages are this tree's method page, with REV's content


def test_diff_refuses_a_link_leaving_the_revision(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "linked")
    (repo / "seeds" / "passwd.txt").symlink_to("../../../../../../../../etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link out")
    (repo / "seeds" / "passwd.txt").unlink()
    git(repo, "commit", "-q", "-am", "gone")
    code, out, err = bookgen("diff", "--root", str(repo), "HEAD~1")
    assert code == 1 and "Traceback" not in err
    assert err == ("error: cannot read revision 'HEAD~1': 'seeds/passwd.txt' at HEAD~1 is a link that leads "
                   "outside the project (LinkOutsideDestinationError); diff never follows links out\n")
    assert "root:" not in out + err
