"""Build the BBC evaluation corpus: copy the articles listed in articles.txt into one flat folder.

The BBC News collection (D. Greene and P. Cunningham, 2006) is not kept in this repository; only
the list of sampled files is. This script copies each listed file, e.g. ``business/001.txt``, from
the source collection into DEST as ``business-001.txt`` so names from different folders never
collide. Each file is written atomically (a temporary file in DEST, then ``os.replace``), only
regular files are copied (a symlink in the source is refused, not followed), and a file missing from
the source stops the run with a message naming it.

    python eval/bbc/make_corpus.py /tmp/bbc-corpus [--source /work/shared/bbc]

The source defaults to $CITEQA_BBC, else /work/shared/bbc. With ``--all`` every ``folder/file.txt``
of the source is copied instead of the listed ones: the collection the blind set (eval/blind/) is
asked of, in which the corpus reader keeps the first of each set of copies.

    python eval/bbc/make_corpus.py /tmp/bbc-all --all

articles.txt holds 60 articles from each of the five folders: after dropping the file that is not
valid UTF-8 and every later copy of a text seen before (whitespace and case ignored), the n
remaining files of a folder, in sorted order, are sampled at positions (2i + 1) * n // 120 for
i = 0..59.
"""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("make_corpus")

HERE = Path(__file__).resolve().parent
DEFAULT_LIST = HERE / "articles.txt"
DEFAULT_SOURCE = "/work/shared/bbc"


class CorpusBuildError(Exception):
    """A listed article cannot be copied; the message says which and why."""


def read_list(path: Path) -> list[str]:
    """The relative paths listed in ``path``, one per line; blank lines and ``#`` comments ignored."""
    names = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        parts = Path(name).parts
        if len(parts) != 2 or name.startswith("/") or ".." in parts:
            raise CorpusBuildError(f"{path}:{number}: expected 'folder/file.txt', got {name!r}")
        names.append(name)
    return names


def every_article(source: Path) -> list[str]:
    """Every ``folder/file.txt`` of the collection at ``source``, sorted."""
    if not source.is_dir():
        raise CorpusBuildError(f"source folder {source} does not exist; pass --source or set CITEQA_BBC")
    return sorted(f"{p.parent.name}/{p.name}" for p in source.glob("*/*.txt"))


def target_name(relative: str) -> str:
    """``business/001.txt`` -> ``business-001.txt``."""
    folder, filename = Path(relative).parts
    return f"{folder}-{filename}"


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, which must be a regular file; symlinks are refused, not followed."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise CorpusBuildError(f"missing from the source: {path}") from None
    except OSError as exc:
        if path.is_symlink():
            raise CorpusBuildError(f"not a regular file (symlink): {path}") from None
        raise CorpusBuildError(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise CorpusBuildError(f"not a regular file: {path}")
        return handle.read()


def check_source(path: Path) -> str | None:
    """Why ``path`` cannot be copied (missing, or not a regular file), or None when it can."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return f"missing from the source: {path}"
    if stat.S_ISLNK(mode):
        return f"not a regular file (symlink): {path}"
    if not stat.S_ISREG(mode):
        return f"not a regular file: {path}"
    return None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def build(names: list[str], source: Path, dest: Path) -> int:
    """Copy every listed article from ``source`` into ``dest``; returns the number copied."""
    if not source.is_dir():
        raise CorpusBuildError(f"source folder {source} does not exist; pass --source or set CITEQA_BBC")
    problems = [problem for name in names if (problem := check_source(source / name))]
    if problems:
        raise CorpusBuildError("; ".join(problems))
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = dest / target_name(name)
        write_atomic(target, read_regular(source / name))
        log.debug("copied %s -> %s", name, target)
    return len(names)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="folder to copy the articles into (created if needed)")
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(os.environ.get("CITEQA_BBC") or DEFAULT_SOURCE),
        help="the BBC collection's folder (default: $CITEQA_BBC, else %(default)s)",
    )
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="list of articles (default: %(default)s)")
    parser.add_argument("--all", action="store_true", help="copy every article of the source, not the list")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each file copied")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s: %(message)s")
    try:
        names = every_article(args.source) if args.all else read_list(args.list)
        count = build(names, args.source, args.dest)
    except (CorpusBuildError, OSError) as exc:
        log.error("%s", exc)
        return 1
    print(f"copied {count} articles from {args.source} to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
