"""A brief as Markdown that reads well printed: the banner at the top and the bottom, every
paragraph with its portion mark, numbered sources with their marking and review date."""

from __future__ import annotations

from assistant.brief.model import Brief
from assistant.text import printable


def to_markdown(brief: Brief) -> str:
    p = brief.partner
    banner = f"**{brief.banner_line}**"
    topics = ", ".join(brief.topics) or "none given"
    lines = [
        banner,
        "",
        f"# Meeting brief: {printable(p.name)} ({p.code})",
        "",
        f"Meeting on {brief.meeting.isoformat()} · topics: {printable(topics)} · prepared "
        f"{brief.prepared.isoformat()} for {p.code} · release rules as of the meeting date",
        "",
    ]
    for n, section in enumerate(brief.sections, start=1):
        lines += [f"## {n}. {section.title}", ""]
        if not section.paragraphs:
            lines += [f"_{printable(section.note)}_", ""]
        for para in section.paragraphs:
            label = f"**{printable(para.label)}:** " if para.label else ""
            lines += [f"{para.mark} {label}{printable(para.text)}", ""]
    if brief.citations:
        lines += ["## Sources", ""]
        for n, hit in enumerate(brief.citations, start=1):
            where = f"{hit.title} › {hit.section}" if hit.section else hit.title
            lines.append(
                f"{n}. {printable(where)} · {hit.handling.banner()} · as of {hit.reviewed} · "
                f"{printable(str(hit.meta.get('source', '')))}"
            )
        lines.append("")
    lines.append(banner)
    return "\n".join(lines) + "\n"
