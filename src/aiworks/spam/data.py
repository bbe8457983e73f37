"""Corpus loaders (read straight from the archives), deduplication and saved, seeded splits.

Supported layouts for ``--data PATH``:
- a folder holding ``spamassassin_public_corpus.tar.xz`` (or the archive itself): raw MIME, label from group name;
- a folder holding ``enron_spam_preprocessed.tar.xz`` (or the archive): "Subject:" line + body, date in file name;
- a folder holding ``SMSSpamCollection`` (or the file): ``label<TAB>text`` lines;
- any folder with ``ham/`` and ``spam/`` sub-folders of raw messages (what the tests write).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from aiworks.settings import Settings
from aiworks.spam.parsing import from_subject_body, parse_email
from aiworks.spam.types import Corpus, Email, Split

SA_ARCHIVE = "spamassassin_public_corpus.tar.xz"
ENRON_ARCHIVE = "enron_spam_preprocessed.tar.xz"
SMS_FILE = "SMSSpamCollection"
ENRON_DATE = re.compile(r"\d+\.(\d{4}-\d{2}-\d{2})\.")


class DataError(ValueError):
    """Bad --data argument: message is shown to the user as is."""


def _resolve(path: Path) -> tuple[str, Path]:
    path = Path(path)
    if not path.exists():
        raise DataError(f"data path not found: {path}")
    for kind, name in (("spamassassin", SA_ARCHIVE), ("enron", ENRON_ARCHIVE), ("sms", SMS_FILE)):
        if path.is_file() and path.name == name:
            return kind, path
        if path.is_dir() and (path / name).exists():
            return kind, path / name
    if path.is_dir() and (path / "ham").is_dir() and (path / "spam").is_dir():
        return "folders", path
    raise DataError(f"{path}: expected {SA_ARCHIVE}, {ENRON_ARCHIVE}, {SMS_FILE} or ham/ + spam/ folders")


def _iter_tar(path: Path) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(path) as tf:
        for member in tf:
            if member.isfile():
                fh = tf.extractfile(member)
                if fh is not None:
                    yield member.name, fh.read()


def _spamassassin(path: Path) -> Iterator[tuple[Email, int]]:
    for name, raw in _iter_tar(path):
        parts = name.split("/")
        if len(parts) < 3 or not name.endswith(".txt"):
            continue
        group = parts[-2]
        yield parse_email(raw, id=f"{group}/{parts[-1].split('.')[0]}", source=group), int(group.startswith("spam"))


def _enron(
    path: Path, subsets: Iterable[str] | None = None, drop_spam_of: Iterable[str] = ()
) -> Iterator[tuple[Email, int]]:
    keep = set(subsets) if subsets else None
    drop = set(drop_spam_of)
    for name, raw in _iter_tar(path):
        parts = name.split("/")
        if len(parts) < 4 or parts[-2] not in ("ham", "spam"):
            continue
        subset, label = parts[-3], int(parts[-2] == "spam")
        if (keep is not None and subset not in keep) or (label and subset in drop):
            continue
        text = raw.decode("utf-8", errors="replace")
        first, _, body = text.partition("\n")
        subject = first[len("Subject:") :].strip() if first.startswith("Subject:") else ""
        body = body if subject or first.startswith("Subject:") else text
        m = ENRON_DATE.search(parts[-1])
        yield (
            from_subject_body(subject, body, id=f"{subset}/{parts[-1]}", source=subset, date=m.group(1) if m else ""),
            label,
        )


def _sms(path: Path) -> Iterator[tuple[Email, int]]:
    for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        label, _, text = line.partition("\t")
        if label in ("ham", "spam"):
            yield from_subject_body("", text, id=f"sms/{i}", source="sms"), int(label == "spam")


def _folders(path: Path) -> Iterator[tuple[Email, int]]:
    for label_name, label in (("ham", 0), ("spam", 1)):
        for f in sorted((path / label_name).rglob("*")):
            if f.is_file():
                yield parse_email(f.read_bytes(), id=f"{label_name}/{f.name}", source=label_name), label


def content_key(e: Email) -> str:
    """Exact-duplicate key: normalised subject + body (headers differ between copies of the same spam)."""
    text = re.sub(r"\s+", " ", f"{e.subject}\n{e.body}".lower()).strip()
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def deduplicate(items: Iterable[tuple[Email, int]], name: str) -> Corpus:
    """Keep the first copy of each content; a duplicate with a conflicting label drops both (ambiguous)."""
    seen: dict[str, int] = {}
    emails: list[Email] = []
    labels: list[int] = []
    conflicted: set[str] = set()
    dropped = malformed = 0
    for e, y in items:
        malformed += bool(e.defects)
        key = content_key(e)
        if key in seen:
            dropped += 1
            if labels[seen[key]] != y:
                conflicted.add(key)
            continue
        seen[key] = len(emails)
        emails.append(e)
        labels.append(y)
    keep = [i for i, e in enumerate(emails) if content_key(e) not in conflicted] if conflicted else range(len(emails))
    return Corpus(
        name,
        [emails[i] for i in keep],
        np.array([labels[i] for i in keep], dtype=int),
        n_duplicates_dropped=dropped + len(emails) - len(keep),
        n_malformed=malformed,
    )


def load_corpus(path: Path, **enron_kw) -> Corpus:
    """Load and deduplicate the corpus at ``path`` (see module docstring for layouts)."""
    kind, target = _resolve(path)
    items = {
        "spamassassin": lambda: _spamassassin(target),
        "enron": lambda: _enron(target, **enron_kw),
        "sms": lambda: _sms(target),
        "folders": lambda: _folders(target),
    }[kind]()
    corpus = deduplicate(items, name=kind if kind != "folders" else Path(path).name)
    if len(corpus) == 0 or len(set(corpus.labels.tolist())) < 2:
        raise DataError(f"{path}: need both ham and spam messages, found {len(corpus)} messages")
    return corpus


def make_split(corpus: Corpus, seed: int = 0, test_size: float = 0.2) -> Split:
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(corpus))
    tr, te = train_test_split(idx, test_size=test_size, stratify=corpus.labels, random_state=seed)
    ids = corpus.ids
    return Split(
        corpus.name,
        seed,
        [ids[i] for i in sorted(tr)],
        [ids[i] for i in sorted(te)],
        stats={
            "n": len(corpus),
            "n_train": len(tr),
            "n_test": len(te),
            "spam_train": int(corpus.labels[tr].sum()),
            "spam_test": int(corpus.labels[te].sum()),
            "duplicates_dropped": corpus.n_duplicates_dropped,
            "malformed": corpus.n_malformed,
        },
    )


def time_split(corpus: Corpus, test_size: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Per (mailbox, class): the oldest (1 - test_size) train, the newest test.

    A single global cut fails on Enron: the newest 20% of messages is all spam (ham mailboxes end earlier),
    so cutting each mailbox's ham and spam separately keeps both classes in the test set.
    """
    groups: dict[tuple[str, int], list[int]] = {}
    for i, (e, y) in enumerate(zip(corpus.emails, corpus.labels)):
        groups.setdefault((e.source, int(y)), []).append(i)
    train: list[int] = []
    test: list[int] = []
    for idx in groups.values():
        idx.sort(key=lambda i: corpus.emails[i].date or "9999")
        cut = int(round(len(idx) * (1 - test_size)))
        train += idx[:cut]
        test += idx[cut:]
    return np.sort(np.array(train, dtype=int)), np.sort(np.array(test, dtype=int))


def split_path(settings: Settings, corpus: str, seed: int) -> Path:
    return settings.home / "spam" / "splits" / f"{corpus}-seed{seed}.json"


def load_or_make_split(settings: Settings, corpus: Corpus, seed: int = 0) -> tuple[Split, np.ndarray, np.ndarray]:
    """Reuse the saved split for (corpus, seed) so every model and run sees the same test set."""
    path = split_path(settings, corpus.name, seed)
    pos = {id_: i for i, id_ in enumerate(corpus.ids)}
    if path.exists():
        d = json.loads(path.read_text())
        if all(i in pos for i in d["train_ids"] + d["test_ids"]):
            split = Split(d["corpus"], d["seed"], d["train_ids"], d["test_ids"], d.get("stats", {}))
            return split, np.array([pos[i] for i in split.train_ids]), np.array([pos[i] for i in split.test_ids])
    split = make_split(corpus, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "corpus": split.corpus,
                "seed": split.seed,
                "stats": split.stats,
                "train_ids": split.train_ids,
                "test_ids": split.test_ids,
            }
        )
    )
    return split, np.array([pos[i] for i in split.train_ids]), np.array([pos[i] for i in split.test_ids])
