"""Evidence (issue 14 §8): attached content-addressed beside the register (in the database on
PostgreSQL), listed in show, got back, re-hashed by verify, carried by backup and restore,
removed by forget, refused above the office's size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, query, snapshot


@pytest.fixture
def evidence(tmp_path: Path) -> list[Path]:
    photo = tmp_path / "发票照片.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the invoice")
    recording = tmp_path / "通话录音.mp3"
    recording.write_bytes(b"ID3 the call")
    return [photo, recording]


def test_attach_show_extract_and_verify(cli: Cli, db_url: str, tmp_path: Path, evidence: list[Path]) -> None:
    no = cli.log()
    cli.ok("attach", no, *map(str, evidence), "--note", "客户提供")
    cli.ok("attach", no, str(evidence[0]))  # the same bytes again: kept once
    assert [a["name"] for a in cli.json("show", no)["attachments"]] == ["发票照片.jpg", "通话录音.mp3", "发票照片.jpg"]
    assert "证据附件" in cli.ok("show", no).stdout
    out = tmp_path / "out"
    cli.ok("attachments", no, "--extract", str(out))
    assert (out / "发票照片.jpg").read_bytes() == evidence[0].read_bytes()
    assert (out / "发票照片-1.jpg").exists() and oct(out.stat().st_mode)[-3:] == "700"
    if "://" not in db_url:
        kept = list(Path(f"{db_url}.files").iterdir())
        assert len(kept) == 2 and all(oct(p.stat().st_mode)[-3:] == "600" for p in kept)
    assert cli.ok("verify").stdout.startswith("intact:")


def test_an_attachment_changed_or_missing_is_caught(cli: Cli, db_url: str, evidence: list[Path]) -> None:
    if "://" in db_url:
        pytest.skip("the files beside a SQLite register")
    no = cli.log()
    cli.ok("attach", no, str(evidence[0]), str(evidence[1]))
    kept = sorted(Path(f"{db_url}.files").iterdir())
    kept[0].write_bytes(b"something else")
    kept[1].unlink()
    result = cli("verify")
    assert result.exit_code == 4
    assert "was changed" in result.stdout and "is missing" in result.stdout


def test_an_attachment_row_edited_is_caught(cli: Cli, db_url: str, evidence: list[Path]) -> None:
    from test_verify import sql

    no = cli.log()
    cli.ok("attach", no, str(evidence[0]))
    sql(db_url, "UPDATE attachment SET name = 'other.jpg'")
    result = cli("verify")
    assert result.exit_code == 4 and "its attachments changed" in result.stdout


def test_too_large_is_one_line_and_nothing_is_kept(cli: Cli, db_url: str, tmp_path: Path) -> None:
    no = cli.log()
    (tmp_path / "office.toml").write_text("[limits]\nattachment_mb = 1\n", encoding="utf-8")
    cli.ok("rules", "install", str(tmp_path / "office.toml"))
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0" * 1_000_001)
    before = snapshot(db_url)
    result = cli("attach", no, str(big))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "attachment_mb" in result.stderr
    assert snapshot(db_url) == before
    result = cli("attach", no, str(tmp_path / "missing.pdf"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_backup_and_restore_carry_them_and_forget_removes_them(
    cli: Cli, db_url: str, tmp_path: Path, evidence: list[Path]
) -> None:
    if "://" in db_url:
        pytest.skip("backup and restore of a SQLite register")
    no = cli.log()
    cli.ok("attach", no, str(evidence[0]))
    copy = tmp_path / "nightly.db"
    cli.ok("backup", str(copy))
    assert len(list(Path(f"{copy}.files").iterdir())) == 1
    Path(db_url).write_bytes(b"garbage")  # the day it is broken
    cli.ok("restore", str(copy))
    assert cli.ok("verify").stdout.startswith("intact:")
    cli.ok("close", no, "--reason", "已解决")
    cli.ok("backup", str(tmp_path / "later.db"))
    out = cli.ok("forget", "--customer", "张三", "--reason", "客户要求").stdout
    assert "later.db" in out  # a backup made before still holds the customer: listed
    assert list(Path(f"{db_url}.files").iterdir()) == []
    assert query(db_url, "SELECT count(*) FROM attachment")[0][0] == 0
    assert "发票照片" not in str(cli.json("show", no))
    assert cli.ok("verify").stdout.startswith("intact:")
