"""FolderSender: one .eml file per message, written atomically, idempotent."""

import email
import email.policy
from pathlib import Path

from notifications import DeliveryOutcome, FolderSender
from notifications.folder import file_name
from tests.notifications.helpers import make_email


def test_writes_a_parsable_eml(tmp_path: Path) -> None:
    outgoing = make_email()
    [result] = FolderSender(tmp_path).send([outgoing])
    [path] = tmp_path.glob("*.eml")
    assert result.outcome is DeliveryOutcome.SENT and str(path) in result.detail
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Message-ID"] == outgoing.message_id
    assert message["Subject"] == outgoing.subject
    assert message.get_content_type() == "multipart/alternative"
    assert b"\r\n" in path.read_bytes()  # RFC 5322 line endings


def test_creates_the_directory(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "mail"
    FolderSender(folder).send([make_email()])
    assert len(list(folder.glob("*.eml"))) == 1


def test_sending_the_same_message_again_leaves_one_file(tmp_path: Path) -> None:
    sender = FolderSender(tmp_path)
    sender.send([make_email()])
    first = next(tmp_path.glob("*.eml")).read_bytes()
    sender.send([make_email()])
    assert [path.read_bytes() for path in tmp_path.glob("*.eml")] == [first]


def test_distinct_messages_get_distinct_files(tmp_path: Path) -> None:
    FolderSender(tmp_path).send([make_email(number) for number in range(3)])
    assert len(list(tmp_path.glob("*.eml"))) == 3


def test_leaves_no_temporary_file(tmp_path: Path) -> None:
    FolderSender(tmp_path).send([make_email(1), make_email(2)])
    assert sorted(path.suffix for path in tmp_path.iterdir()) == [".eml", ".eml"]


def test_an_unwritable_directory_is_temporary(tmp_path: Path) -> None:
    # A directory under a plain file cannot exist, even for root (chmod would not stop root).
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    results = FolderSender(blocker / "mail").send([make_email(1), make_email(2)])
    assert [r.outcome for r in results] == [DeliveryOutcome.TEMPORARY] * 2
    assert "Error" in results[0].detail


def test_file_names_are_safe_and_keep_distinct_ids_apart() -> None:
    slash, underscore = file_name("<a/b@convflow.local>"), file_name("<a_b@convflow.local>")
    assert slash != underscore
    assert "/" not in slash and slash.endswith(".eml")
    assert file_name("<../../etc/passwd@x>").startswith(".._.._etc_passwd@x-")


def test_describe() -> None:
    assert FolderSender(Path("mail")).describe() == "dossier mail"
