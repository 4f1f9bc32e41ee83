"""Issue 10, `--write`: nothing the user wrote is lost or written anywhere but where they asked.

Backups never follow a planted symlink and never overwrite anything (FILE.bak, then FILE.bak.1, ...); a symlinked
dossier is written through to its target; hard links, owner and group are kept; a bullet that changed while the
prompt waited is refused; links survive a rewrite; a read-only directory is a one-line error.
"""

from __future__ import annotations

import os
import stat

import pytest

from critic import review_text
from critic.edit import apply_edits, plan_edit

from .conftest import run_critic, run_unprivileged

BULLET = "- Made sure every release passed the launch review\n"


def accept_scaffold(path, *extra: str, cwd=None):
    """`echo a | critic review FILE -i --write`: accept the deterministic scaffold (no model needed)."""
    return run_critic("review", str(path), "-i", "--write", "-q", *extra, input="a\n", cwd=cwd)


def rewritten(path) -> bool:
    return "[Decided / adapted / negotiated what]" in path.read_text(encoding="utf-8")  # the scaffold went in


def test_a_planted_backup_symlink_is_never_followed(tmp_path):
    """The reproduction of issue 10: the dossier used to end up in the link's target."""
    victim = tmp_path / "v.txt"
    victim.write_text("VICTIM\n", encoding="utf-8")
    (tmp_path / "d.md.bak").symlink_to(victim)
    doc = tmp_path / "d.md"
    doc.write_text(BULLET, encoding="utf-8")
    proc = accept_scaffold(doc)
    assert proc.returncode in (0, 1), proc.stderr
    assert victim.read_text(encoding="utf-8") == "VICTIM\n"
    assert (tmp_path / "d.md.bak").is_symlink()
    assert (tmp_path / "d.md.bak.1").read_text(encoding="utf-8") == BULLET
    assert f"backup {tmp_path / 'd.md.bak.1'}" in proc.stderr
    assert rewritten(doc)


def test_backups_are_numbered_and_never_overwritten(tmp_path):
    doc = tmp_path / "d.md"
    (tmp_path / "d.md.bak").write_text("an older backup\n", encoding="utf-8")
    doc.write_text(BULLET, encoding="utf-8")
    accept_scaffold(doc)
    first = doc.read_text(encoding="utf-8")
    accept_scaffold(doc, "--rewrite-below", "101")  # rewrite the rewritten bullet again
    assert (tmp_path / "d.md.bak").read_text(encoding="utf-8") == "an older backup\n"
    assert (tmp_path / "d.md.bak.1").read_text(encoding="utf-8") == BULLET
    assert (tmp_path / "d.md.bak.2").read_text(encoding="utf-8") == first


def test_a_backup_name_that_is_a_directory_is_left_alone(tmp_path):
    doc = tmp_path / "d.md"
    (tmp_path / "d.md.bak").mkdir()
    doc.write_text(BULLET, encoding="utf-8")
    proc = accept_scaffold(doc)
    assert list((tmp_path / "d.md.bak").iterdir()) == []
    assert f"backup {tmp_path / 'd.md.bak.1'}" in proc.stderr
    assert (tmp_path / "d.md.bak.1").read_text(encoding="utf-8") == BULLET


def test_a_symlinked_dossier_is_written_through_to_its_target(tmp_path):
    real = tmp_path / "real" / "dossier.md"
    real.parent.mkdir()
    real.write_text(BULLET, encoding="utf-8")
    link = tmp_path / "d.md"
    link.symlink_to(real)
    proc = accept_scaffold(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert rewritten(real)
    assert (tmp_path / "d.md.bak").read_text(encoding="utf-8") == BULLET and not (tmp_path / "d.md.bak").is_symlink()
    assert f"through the symlink to {real}" in proc.stderr


def test_hard_links_are_kept(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text(BULLET, encoding="utf-8")
    other = tmp_path / "shared.md"
    os.link(doc, other)
    proc = accept_scaffold(doc)
    assert os.path.samefile(doc, other) and rewritten(other)
    assert "in place, keeping its 1 other hard link(s)" in proc.stderr
    assert (tmp_path / "d.md.bak").read_text(encoding="utf-8") == BULLET


def test_mode_owner_and_group_are_kept(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text(BULLET, encoding="utf-8")
    doc.chmod(0o640)
    owner = (doc.stat().st_uid, doc.stat().st_gid)
    if os.geteuid() == 0:
        owner = (4321, 8765)  # a file of another user, as root edits it
        os.chown(doc, *owner)
    accept_scaffold(doc)
    info = doc.stat()
    assert rewritten(doc) and (info.st_uid, info.st_gid) == owner and stat.S_IMODE(info.st_mode) == 0o640
    backup = (tmp_path / "d.md.bak").stat()
    assert (backup.st_uid, backup.st_gid) == owner and stat.S_IMODE(backup.st_mode) == 0o640


def test_another_users_file_keeps_its_owner_when_no_new_file_can_be_given_it(tmp_path):
    """Without the right to chown (an ordinary user), a renamed temporary file would change the owner: the file is
    overwritten in place instead."""
    tmp_path.chmod(0o777)
    doc = tmp_path / "d.md"
    doc.write_text(BULLET, encoding="utf-8")
    doc.chmod(0o666)
    if os.geteuid() != 0:
        pytest.skip("needs a file owned by another user")
    os.chown(doc, 4321, 8765)
    run_unprivileged("--version")
    proc = run_unprivileged("review", str(doc), "-i", "--write", "-q", input="a\n")
    assert proc.returncode in (0, 1), proc.stderr
    assert rewritten(doc) and (doc.stat().st_uid, doc.stat().st_gid) == (4321, 8765)
    assert "in place, keeping its owner and group" in proc.stderr


def test_write_in_a_read_only_directory_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    doc = folder / "d.md"
    doc.write_text(BULLET, encoding="utf-8")
    folder.chmod(0o555)
    try:
        run_unprivileged("--version")
        for extra in ([], ["--no-backup"]):
            proc = run_unprivileged("review", str(doc), "-i", "--write", "-q", *extra, input="a\n")
            lines = [line for line in proc.stderr.splitlines() if line.startswith("critic:")]
            assert proc.returncode == 2, proc.stderr
            assert "internal error" not in proc.stderr and len(lines) == 1
            assert str(doc) in lines[0] and "Permission denied" in lines[0]
            assert doc.read_text(encoding="utf-8") == BULLET
    finally:
        folder.chmod(0o755)


# --- the bullet must still be what was reviewed --------------------------------------------------------------------

DOC = "# Impact\n\n- Made sure every release passed the launch review\n- Led the pricing review with finance\n"


def plan(text: str, new: str = "Chose the release gate, accepting [N weeks] of delay."):
    bullet = review_text(text, path="d.md").bullets[0].bullet
    edit, why = plan_edit(text, bullet, new)
    assert edit is not None, why
    return edit


@pytest.mark.parametrize("change", [
    lambda t: t.replace("launch review\n", "launch review, with the policy team\n"),   # text appended on the line
    lambda t: t.replace("launch review\n", "launch review\n  and wrote the checklist\n"),  # a continuation line
    lambda t: t.replace("launch review\n", "launch review <!-- later -->\n"),           # a comment appended
])
def test_a_bullet_that_changed_after_the_review_is_refused(tmp_path, change):
    path = tmp_path / "d.md"
    edit = plan(DOC)
    changed = change(DOC)
    path.write_text(changed, encoding="utf-8")
    result = apply_edits(path, [edit])
    assert not result.written and [e.line for e, _why in result.refused] == [3]
    assert "changed since it was reviewed" in result.refused[0][1]
    assert path.read_text(encoding="utf-8") == changed


def test_a_bullet_edited_while_the_prompt_waited_is_not_spliced(tmp_path, monkeypatch):
    from critic import rewrite_pass

    from .cli_runner import invoke

    path = tmp_path / "d.md"
    path.write_text(DOC, encoding="utf-8")
    added = DOC.replace("launch review\n", "launch review\n  and wrote the new checklist for it\n")

    def edit_then_accept():
        path.write_text(added, encoding="utf-8")  # the author saves the file while critic asks
        return "a"

    monkeypatch.setattr(rewrite_pass, "_choice", edit_then_accept)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    result = invoke(["review", "d.md", "-i", "--write", "-q", "--rewrite-below", "101"])
    assert "d.md:3: not rewritten: line 3 changed since it was reviewed" in result.output
    assert path.read_text(encoding="utf-8") == added  # nothing spliced (the other bullet moved down a line)
    assert not (tmp_path / "d.md.bak").exists()


# --- links -----------------------------------------------------------------------------------------------------------

LINKED = "- Helped with the [jailbreak *eval*](https://example.com/eval_(v2) \"Eval\") for the launch\n"


def test_a_rewrite_keeps_the_links_of_the_bullet(tmp_path):
    edit = plan(LINKED, "Decided the jailbreak eval gated the launch, protecting [$X].")
    assert edit.new_text == ('Decided the [jailbreak *eval*](https://example.com/eval_(v2) "Eval") gated the launch, '
                             'protecting [$X].')
    path = tmp_path / "d.md"
    path.write_text(LINKED, encoding="utf-8")
    assert apply_edits(path, [edit]).written
    assert path.read_text(encoding="utf-8") == "- " + edit.new_text + "\n"


def test_a_rewrite_that_drops_a_link_or_url_is_refused():
    bullet = review_text(LINKED, path="d.md").bullets[0].bullet
    edit, why = plan_edit(LINKED, bullet, "Decided the launch gate, protecting [$X].")
    assert edit is None and "drops the link" in why and "jailbreak eval" in why
    bare = "- Shipped the eval described at https://example.com/report for the launch\n"
    bullet = review_text(bare, path="d.md").bullets[0].bullet
    edit, why = plan_edit(bare, bullet, "Decided the eval gate for the launch.")
    assert edit is None and "drops the URL https://example.com/report" in why


def test_a_reference_link_and_two_links_sharing_words_are_kept():
    text = "- Ran the [red team][rt] review and the [red team](https://x.test/b) retro\n\n[rt]: https://x.test/a\n"
    edit = plan(text, "Chose the red team gate after the red team retro, accepting [N weeks].")
    assert edit.new_text == ("Chose the [red team][rt] gate after the [red team](https://x.test/b) retro, accepting "
                             "[N weeks].")


def test_links_survive_the_llm_rewrite_through_the_command(tmp_path):
    pytest.importorskip("langchain_openai")
    from .llm_fakes import FakeOpenAI

    path = tmp_path / "d.md"
    text = "- Helped with the [jailbreak evaluation](https://example.com/ev) for the assistant launch last quarter.\n"
    path.write_text(text, encoding="utf-8")
    with FakeOpenAI() as server:
        proc = run_critic("review", "d.md", "--rewrite", "--llm", "openai:some-model", "--base-url",
                          server.base_url, "--write", cwd=tmp_path,
                          env={"CRITIC_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": ""})
    assert "wrote 1 rewrite(s) to d.md" in proc.stderr, proc.stderr
    new = path.read_text(encoding="utf-8")
    assert new.startswith("- Decided ") and "[jailbreak evaluation](https://example.com/ev)" in new
