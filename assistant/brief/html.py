"""A brief as one self-contained HTML file: no external asset, print CSS, the banner at the top
and the bottom of every printed page, and an inline SVG chart of the ledger by quarter."""

from __future__ import annotations

from html import escape

from assistant.brief.model import Brief
from assistant.corpus.ledger import Balance
from assistant.text import printable

CSS = """
:root { --ink: #1b1b1b; --muted: #5b5b5b; --rule: #c8c8c8; --banner: #7a0000; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 48rem; padding: 2.2rem 1.2rem; }
.banner { text-align: center; font-weight: bold; color: var(--banner); letter-spacing: .04em;
          margin: .2rem 0; }
.page-banner { display: none; }
h1 { font-size: 16pt; margin: .6rem 0 .2rem; }
h2 { font-size: 12pt; margin: 1.1rem 0 .3rem; border-bottom: 1px solid var(--rule);
     break-after: avoid; }
.meta { color: var(--muted); margin: 0 0 .8rem; }
p { margin: .3rem 0; }
.mark { font-weight: bold; margin-right: .3rem; }
.label { font-weight: bold; }
.note { color: var(--muted); font-style: italic; }
.chart { margin: .4rem 0 .2rem; }
.chart text { font-size: 8pt; fill: var(--muted); }
ol.sources { font-size: 9pt; padding-left: 1.4rem; }
ol.sources li { margin: .15rem 0; }
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
@media print {
  body { max-width: none; padding: 0; }
  .page-banner { display: block; position: fixed; left: 0; right: 0; text-align: center;
                 font-weight: bold; color: var(--banner); font-size: 9pt; }
  .page-banner.top { top: -12mm; }
  .page-banner.bottom { bottom: -12mm; }
  .screen-banner { display: none; }
  h2, p { break-inside: avoid; }
}
"""


def to_html(brief: Brief) -> str:
    p = brief.partner
    banner = escape(brief.banner_line)
    topics = escape(printable(", ".join(brief.topics) or "none given"))
    body: list[str] = [
        f'<div class="page-banner top">{banner}</div>',
        f'<div class="page-banner bottom">{banner}</div>',
        f'<p class="banner screen-banner">{banner}</p>',
        f"<h1>Meeting brief: {escape(printable(p.name))} ({p.code})</h1>",
        f'<p class="meta">Meeting on {brief.meeting.isoformat()} · topics: {topics} · prepared '
        f"{brief.prepared.isoformat()} for {p.code} · release rules as of the meeting date</p>",
    ]
    for n, section in enumerate(brief.sections, start=1):
        body.append(f"<h2>{n}. {escape(section.title)}</h2>")
        if not section.paragraphs:
            body.append(f'<p class="note">{escape(printable(section.note))}</p>')
        for para in section.paragraphs:
            label = (
                f'<span class="label">{escape(printable(para.label))}:</span> '
                if para.label
                else ""
            )
            body.append(
                f'<p><span class="mark">{escape(para.mark)}</span>{label}'
                f"{escape(printable(para.text))}</p>"
            )
        if section.title == "Reciprocity" and brief.balance is not None:
            body.append(ledger_chart(brief.balance))
    if brief.citations:
        body.append("<h2>Sources</h2>")
        items = []
        for hit in brief.citations:
            where = f"{hit.title} › {hit.section}" if hit.section else hit.title
            source = escape(printable(str(hit.meta.get("source", ""))))
            items.append(
                f"<li>{escape(printable(where))} · <b>{escape(hit.handling.banner())}</b> · as of "
                f"{escape(hit.reviewed)} · {source}</li>"
            )
        body.append('<ol class="sources">' + "".join(items) + "</ol>")
    body.append(f'<p class="banner screen-banner">{banner}</p>')
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f"<title>{banner} · Meeting brief {p.code} {brief.meeting.isoformat()}</title>"
        f"<style>{CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _label(text: str) -> str:
    return f'<span class="label">{escape(printable(text))}:</span> ' if text else ""


def ledger_chart(balance: Balance, width: int = 520, height: int = 150) -> str:
    """Given (dark) and received (light) by quarter, as an inline SVG bar chart."""
    quarters = balance.quarters
    peak = max([1, *(max(q.given, q.received) for q in quarters)])
    left, bottom, top = 28, 26, 14
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = plot_w / max(1, len(quarters))
    bar = step * 0.32
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Exchanges with {balance.partner} by quarter: given and received">',
        f"<title>Exchanges with {balance.partner} by quarter</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    for tick in range(peak + 1):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<text x="{left - 6}" y="{y + 3:.1f}" text-anchor="end">{tick}</text>')
    for i, q in enumerate(quarters):
        x = left + i * step + step * 0.16
        for j, (value, colour, what) in enumerate(
            ((q.given, "#1f4e79", "given"), (q.received, "#9dc3e6", "received"))
        ):
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{q.label}: {value} {what}</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{height - 10}" text-anchor="middle">{q.label}</text>'
        )
    parts += [
        f'<rect x="{width - 150}" y="2" width="9" height="9" fill="#1f4e79"/>',
        f'<text x="{width - 137}" y="10">given</text>',
        f'<rect x="{width - 90}" y="2" width="9" height="9" fill="#9dc3e6"/>',
        f'<text x="{width - 77}" y="10">received</text>',
        "</svg>",
    ]
    return "".join(parts)
