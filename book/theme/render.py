"""Offline site theme: render mystmd's built content (mdast JSON) to static HTML pages.

mystmd runs this as the template's ``build.render`` command with ``CONTENT_CDN`` (its content
server: ``/config.json``, ``/content/<slug>.json``, public files) and ``BUILD_DIRECTORY`` (where
the HTML goes). Standard library only, so the book builds with no theme download.
"""

from __future__ import annotations

import html
import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path

CDN = os.environ.get("CONTENT_CDN", "http://localhost:3100").rstrip("/")
OUT = Path(os.environ.get("BUILD_DIRECTORY", "_build/html"))
STYLE = Path(__file__).with_name("style.css")


def fetch(path: str) -> bytes:
    with urllib.request.urlopen(CDN + path, timeout=60) as response:
        return response.read()


def page_file(slug: str) -> str:
    return "index.html" if slug in ("", "index") else f"{slug}.html"


def copy_public(path: str) -> str:
    """Copy a public file (image) next to the pages; return its relative URL."""
    name = path.lstrip("/").split("/")[-1]
    target = OUT / "build" / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fetch("/" + urllib.parse.quote(path.lstrip("/"))))
    return f"build/{name}"


def output_html(data: dict) -> str:
    kind = data.get("output_type")
    if kind == "stream":
        return f"<pre class='stream'>{html.escape(data.get('text', ''))}</pre>"
    if kind == "error":
        return f"<pre class='error'>{html.escape(data.get('ename', ''))}: {html.escape(data.get('evalue', ''))}</pre>"
    bundle = data.get("data", {})
    for mime in ("image/png", "image/svg+xml", "image/jpeg"):
        if mime in bundle:
            item = bundle[mime]
            if item.get("path"):
                return f"<img src='{copy_public(item['path'])}' alt=''>"
            if mime == "image/png" and item.get("content"):
                return f"<img src='data:image/png;base64,{item['content']}' alt=''>"
    if "text/html" in bundle and "application/vnd.jupyter.widget-view+json" not in bundle:
        return f"<div class='html-output'>{bundle['text/html'].get('content', '')}</div>"
    if "text/markdown" in bundle:
        return f"<div class='md-output'>{html.escape(bundle['text/markdown'].get('content', ''))}</div>"
    if "text/plain" in bundle:
        return f"<pre class='plain'>{html.escape(bundle['text/plain'].get('content', ''))}</pre>"
    return ""


def render(node: dict, links: dict[str, str]) -> str:
    kind = node.get("type")
    inner = "".join(render(child, links) for child in node.get("children", []))
    if kind == "text":
        return html.escape(node.get("value", ""))
    if kind == "heading":
        level = node.get("depth", 2)
        ident = node.get("html_id") or node.get("identifier") or ""
        return f"<h{level} id='{html.escape(ident)}'>{inner}</h{level}>"
    if kind == "paragraph":
        return f"<p>{inner}</p>"
    if kind in ("strong", "emphasis", "delete", "sub", "sup"):
        tag = {"strong": "strong", "emphasis": "em", "delete": "del"}.get(kind, kind)
        return f"<{tag}>{inner}</{tag}>"
    if kind == "inlineCode":
        return f"<code>{html.escape(node.get('value', ''))}</code>"
    if kind == "code":
        return f"<pre class='code'><code>{html.escape(node.get('value', ''))}</code></pre>"
    if kind == "list":
        tag = "ol" if node.get("ordered") else "ul"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "listItem":
        return f"<li>{inner}</li>"
    if kind == "table":
        return f"<table>{inner}</table>"
    if kind == "tableRow":
        return f"<tr>{inner}</tr>"
    if kind == "tableCell":
        tag = "th" if node.get("header") else "td"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "blockquote":
        return f"<blockquote>{inner}</blockquote>"
    if kind == "thematicBreak":
        return "<hr>"
    if kind == "break":
        return "<br>"
    if kind in ("math", "inlineMath"):
        return f"<code class='math'>{html.escape(node.get('value', ''))}</code>"
    if kind == "html":
        return node.get("value", "")
    if kind == "image":
        url = node.get("url", "")
        if url.startswith("/"):
            url = copy_public(url)
        return f"<img src='{html.escape(url)}' alt='{html.escape(node.get('alt', ''))}'>"
    if kind in ("link", "crossReference"):
        url = node.get("url", "") or ""
        target = urllib.parse.unquote(url).split("#")[0].removesuffix(".ipynb").removesuffix(".md")
        name = target.split("/")[-1]
        if name in links:
            url = links[name] + ("#" + url.split("#", 1)[1] if "#" in url else "")
        return f"<a href='{html.escape(url)}'>{inner}</a>"
    if kind == "admonition":
        return f"<div class='admonition {html.escape(node.get('kind', 'note'))}'>{inner}</div>"
    if kind == "admonitionTitle":
        return f"<p class='admonition-title'>{inner}</p>"
    if kind == "output":
        return output_html(node.get("jupyter_data") or {})
    if kind == "outputs":
        return f"<div class='outputs'>{inner}</div>"
    if kind == "block":
        return f"<section class='cell'>{inner}</section>"
    return inner


def main() -> int:
    config = json.loads(fetch("/config.json"))
    project = config["projects"][0]
    index = project.get("index", "index")
    pages = [{"slug": index, "title": project.get("title", "")}, *project.get("pages", [])]
    pages = [p for p in pages if "slug" in p]
    links = {}
    for page in pages:
        links[page["slug"]] = page_file(page["slug"])
    OUT.mkdir(parents=True, exist_ok=True)
    nav = "".join(
        f"<li><a href='{page_file(p['slug'])}'>{html.escape(p.get('title') or p['slug'])}</a></li>"
        for p in pages
    )
    style = STYLE.read_text(encoding="utf-8") if STYLE.exists() else ""
    for page in pages:
        data = json.loads(fetch(f"/content/{urllib.parse.quote(page['slug'])}.json"))
        title = data.get("frontmatter", {}).get("title") or page.get("title") or project["title"]
        body = render(data["mdast"], links)
        doc = (
            "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)} | {html.escape(project['title'])}</title>"
            f"<style>{style}</style></head><body>"
            f"<nav><p class='site'>{html.escape(project['title'])}</p><ul>{nav}</ul></nav>"
            f"<main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
        )
        (OUT / page_file(page["slug"])).write_text(doc, encoding="utf-8")
    print(f"render.py: {len(pages)} pages -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
