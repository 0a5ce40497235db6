"""The README stays a front page and the documentation site's pages exist (plain set-up: this
reads the markdown and mkdocs.yml; mkdocs itself builds the site only in CI's full run)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)\s]+)\)")  # a markdown link's target
MAX_README_LINES = 200


def nav_pages(node: object) -> list[str]:
    """Every page named in mkdocs.yml's nav, however deeply nested."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in nav_pages(value)]
    if isinstance(node, list):
        return [p for value in node for p in nav_pages(value)]
    return []


def local_links(page: Path) -> list[tuple[Path, str]]:
    """(file, anchor) of each relative link in a markdown page; web links are left out."""
    found = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        found.append(((page.parent / path).resolve() if path else page, anchor))
    return found


def anchors(page: Path) -> set[str]:
    """The heading ids MkDocs gives a page: lower case, punctuation dropped, spaces as '-'."""
    ids = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = re.sub(r"[`*]", "", line.lstrip("#").strip()).lower()
            ids.add(re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", title)))
    return ids


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines, at most {MAX_README_LINES}"


def test_readme_keeps_the_commands_ci_runs() -> None:
    """.ci/run installs and tests exactly as the README says; the docs command is said too."""
    text = README.read_text(encoding="utf-8")
    for command in ("python -m pip install -e '.[test]'", "python -m pytest",
                    "rnn-conformance grade examples/submissions/*", "python -m pip install -e '.[docs]'",
                    "mkdocs build --strict"):
        assert command in text, command


def test_every_nav_page_exists_and_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    pages = nav_pages(config["nav"])
    missing = [p for p in pages if not (DOCS / p).is_file()]
    assert not missing, f"mkdocs.yml nav names pages that are not in docs/: {missing}"
    unlisted = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(pages) == unlisted, "docs/ pages and mkdocs.yml nav differ"


def test_links_from_readme_and_docs_reach_pages_and_headings() -> None:
    broken = []
    for page in [README, *sorted(DOCS.rglob("*.md"))]:
        for target, anchor in local_links(page):
            where = f"{page.relative_to(ROOT)} -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif page != README and not target.is_relative_to(DOCS):
                broken.append(f"{where}: the site links only to its own pages")
            elif anchor and target.suffix == ".md" and not anchor.startswith("conformance.") \
                    and anchor not in anchors(target):
                broken.append(f"{where}#{anchor}: no such heading")
    assert not broken, "\n".join(broken)


def test_readme_links_into_every_section_of_the_site() -> None:
    linked = {t.name for t, _ in local_links(README) if t.is_relative_to(DOCS)}
    pages = {p.name for p in DOCS.glob("*.md")}
    assert pages <= linked, f"pages the README does not link to: {sorted(pages - linked)}"


def public_objects() -> dict[str, object]:
    import conformance
    return {name: getattr(conformance, name) for name in conformance.__all__}


def test_the_reference_page_documents_every_public_name_where_it_is_defined() -> None:
    shown = set(re.findall(r"^::: ([\w.]+)$", (DOCS / "reference.md").read_text(encoding="utf-8"), re.M))
    expected = {f"{obj.__module__}.{obj.__qualname__}" for obj in public_objects().values()}
    assert expected - shown == set(), "public names the reference page does not show"
    assert shown - expected == set(), "reference entries that are not the public surface"


def test_public_docstrings_carry_no_sphinx_roles() -> None:
    """mkdocstrings prints a Sphinx role (colon, meth, colon, `run`) as it is: the reference pages' docstrings use plain ``name``."""
    import inspect
    role = re.compile(r":(?:py:)?(?:meth|class|func|attr|mod|exc|data):`")
    leaked = []
    for name, obj in public_objects().items():
        members = [obj] + [m for _, m in inspect.getmembers(obj) if inspect.isfunction(m) or isinstance(m, property)]
        leaked += [f"{name}: {m.__doc__.strip().splitlines()[0]}" for m in members
                   if m.__doc__ and role.search(m.__doc__)]
    assert leaked == []
