"""The article files of a corpus folder and its sub-folders, found and read without following links.

Only regular files inside the folder are read: a symbolic link (to a file or a folder, which could
point anywhere on the server), a pipe or a device is skipped and reported. Every folder on the way to
a file is opened without following links too, so a file or folder swapped for a link after the
folder was listed is refused, and a file's size is checked before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from citeqa.errors import ArticleError, CorpusError
from citeqa.records import CorpusProblem

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_DEPTH = 8  # sub-folders read below the corpus folder; deeper ones are reported, not read

LINK = "it is a symbolic link; only regular files inside the corpus folder are read (copy the file in instead)"
FOLDER_LINK = (
    "it is a symbolic link to a folder; only folders inside the corpus folder are read (move the folder in instead)"
)
NOT_REGULAR = "it is not a regular file (a device, socket or pipe); only regular files are read"
README = "a README describes the folder, it is not read as an article (rename the file to read it as one)"
TOO_DEEP = f"it is more than {MAX_DEPTH} folders deep in the corpus folder; move its articles nearer the top"

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# No following links; non-blocking so that a pipe swapped in cannot hang the reader.
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class ArticleFile:
    name: str  # the path inside the corpus folder, with "/" between folders: "business/001.txt"
    mtime_ns: int


def article_files(folder: Path) -> tuple[list[ArticleFile], list[CorpusProblem]]:
    """The article files in ``folder`` and its sub-folders (hidden files and folders and other types
    ignored), and the entries that are named like articles, or are links to folders, but are not read."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CorpusError(f"corpus folder {folder} does not exist; create it or point CITEQA_CORPUS at one") from None
    except NotADirectoryError:
        raise CorpusError(f"corpus folder {folder} is a file, not a folder; point CITEQA_CORPUS at a folder") from None
    except OSError as exc:
        raise CorpusError(f"cannot list the corpus folder {folder} ({exc.strerror}); check its permissions") from None
    files: list[ArticleFile] = []
    problems: list[CorpusProblem] = []
    try:
        _walk(fd, PurePosixPath(), files, problems)
    except OSError as exc:
        raise CorpusError(f"cannot list the corpus folder {folder} ({exc.strerror}); check its permissions") from None
    finally:
        os.close(fd)
    return files, problems


def _walk(fd: int, where: PurePosixPath, files: list[ArticleFile], problems: list[CorpusProblem]) -> None:
    """List the folder open as ``fd`` (``where`` inside the corpus), and its sub-folders."""
    with os.scandir(fd) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        name = str(where / entry.name)
        article = Path(entry.name).suffix.lower() in ARTICLE_SUFFIXES
        try:
            if entry.is_symlink():
                if article:
                    problems.append(CorpusProblem(name, LINK))
                elif _points_to_folder(fd, entry.name):
                    problems.append(CorpusProblem(name, FOLDER_LINK))
            elif entry.is_dir(follow_symlinks=False):
                _sub_folder(fd, entry.name, where / entry.name, files, problems)
            elif not article:
                continue
            elif entry.is_file(follow_symlinks=False) and Path(entry.name).stem.casefold() == "readme":
                problems.append(CorpusProblem(name, README))
            elif entry.is_file(follow_symlinks=False):
                files.append(ArticleFile(name, entry.stat(follow_symlinks=False).st_mtime_ns))
            else:
                problems.append(CorpusProblem(name, NOT_REGULAR))
        except FileNotFoundError:  # removed since the folder was listed
            continue


def _sub_folder(
    parent: int, name: str, where: PurePosixPath, files: list[ArticleFile], problems: list[CorpusProblem]
) -> None:
    if len(where.parts) > MAX_DEPTH:
        problems.append(CorpusProblem(str(where), TOO_DEEP))
        return
    try:
        fd = os.open(name, _DIRECTORY, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # swapped for a link or a file since it was listed
            problems.append(CorpusProblem(str(where), FOLDER_LINK))
        elif exc.errno != errno.ENOENT:
            problems.append(CorpusProblem(str(where), f"the folder could not be read ({exc.strerror})"))
        return
    try:
        _walk(fd, where, files, problems)
    except OSError as exc:
        problems.append(CorpusProblem(str(where), f"the folder could not be read ({exc.strerror})"))
    finally:
        os.close(fd)


def _points_to_folder(fd: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=fd).st_mode)
    except OSError:  # a broken link
        return False


def read_file(path: Path, *, max_bytes: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file, refused before reading if it is over ``max_bytes`` or a link.

    Args:
        root: the corpus folder ``path`` lies in: every folder between them is opened without
            following links as well (a sub-folder swapped for a link to elsewhere is refused).
    """
    parts = path.relative_to(root).parts if root is not None else ()
    folder = None
    try:
        if len(parts) > 1:
            folder = _open_folders(root, parts[:-1])
            fd = os.open(parts[-1], _FILE, dir_fd=folder)
        else:
            fd = os.open(path, _FILE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ArticleError(LINK) from None
        raise
    finally:
        if folder is not None:
            os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(NOT_REGULAR)
        check_size(info.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(max_bytes + 1)  # never more than the limit, whatever the file claims
    finally:
        os.close(fd)
    check_size(len(data), max_bytes)
    return data


def _open_folders(root: Path, folders: tuple[str, ...]) -> int:
    """A descriptor of ``root``/``folders``, each folder opened without following a link."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for name in folders:
            try:
                inner = os.open(name, _DIRECTORY, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise ArticleError(FOLDER_LINK) from None
                raise
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ArticleError(
            f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit for one article "
            "(CITEQA_MAX_ARTICLE_MB raises it)"
        )


def folder_section(name: str) -> str | None:
    """The sub-folder an article file lies in, as its section ("business/001.txt" -> "business"), or
    None for a file at the top of the corpus folder."""
    parent = PurePosixPath(name).parent.name
    return parent or None
