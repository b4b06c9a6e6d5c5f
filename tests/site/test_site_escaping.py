"""Every value escaped where it lands: the hostile-input corpus (tests/site/data/hostile),
built with the development and the production settings, in the page source, the feeds and
headless Chromium. Header text is plain text: it must show exactly as written and never
run. Also: the templates mark only the rendered body safe, and autoescape stays on."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from safe_text.plaintext import cut, plaintext
from site_browser import serve
from site_html import page_url, scan, texts
from sitebuild import HOSTILE, PRODUCTION_URL, ROOT, content_entries

SITENAME = "Listening Brands"
BUILDS = ["hostile_prod", "hostile_dev"]
ATOM = "{http://www.w3.org/2005/Atom}"
CORPUS = content_entries(HOSTILE)
ARTICLES = [e for e in CORPUS if e.kind == "article"]
PAGES = [e for e in CORPUS if e.kind == "page"]
# Text that reads the same whether the reader takes Summary as Markdown (Pelican's) or as
# plain text (the strict reader): no markup, entity or emphasis characters.
MARKDOWN_NEUTRAL = re.compile(r"^[^<>&*_`\[\]\\]*$")
DESCRIPTION_LENGTH = 300
# Our own scripts: the JSON-LD blocks and copy.js. Nothing else may run.
OUR_SCRIPT_SRC = "/theme/js/copy.js"
TEMPLATES = [*sorted((ROOT / "theme" / "templates").glob("*.html")),
             *sorted((ROOT / "plugins").glob("*/templates/*.html"))]
ALLOWED_SAFE = {"article.content", "page.content"}


def by_title(title):
    return next(e for e in CORPUS if e.title == title)


def tags_of(entry):
    return [tag.strip() for tag in entry.meta["tags"].split(",")]


def html_files(build):
    return sorted(build.output.rglob("*.html"))


def index_pages(build):
    return [build.output / "index.html", *sorted(build.output.glob("page/*/index.html"))]


def local(build, href) -> Path:
    """The output file of a site link (absolute production URL or root-relative)."""
    path = href.removeprefix(PRODUCTION_URL).lstrip("/")
    return build.output / (path + "index.html" if path.endswith("/") or not path else path)


def first_href(path, tag, cls):
    """The first link inside the first `tag.cls` element."""
    html = path.read_text(encoding="utf-8")
    block = re.search(rf'<{tag} class="{cls}"[^>]*>.*?</{tag}>', html, re.S).group()
    return re.search(r'href="([^"]*)"', block).group(1)


@pytest.fixture(params=BUILDS)
def build(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def feed_summaries(hostile_prod) -> dict[str, str]:
    """article URL → its summary HTML, as Pelican holds it (the Atom feed carries it)."""
    root = ET.parse(hostile_prod.output / "feeds" / "all.atom.xml").getroot()
    return {e.find(f"{ATOM}link").get("href").removeprefix(PRODUCTION_URL + "/"):
            e.find(f"{ATOM}summary").text for e in root.findall(f"{ATOM}entry")}


@pytest.fixture(scope="module")
def intended(feed_summaries) -> dict[str, str]:
    """Entry URL → the plain text its description must show: the text of the summary HTML
    (the header Summary as the reader renders it). Markdown-neutral summaries are exactly
    the header as written."""
    result = {}
    for entry in CORPUS:
        summary = entry.meta["summary"]
        text = plaintext(feed_summaries[entry.url]) if entry.kind == "article" else summary
        if MARKDOWN_NEUTRAL.match(summary):
            assert text == summary, entry.source
        result[entry.url] = text
    return result


# --- named regressions -------------------------------------------------------------------


def test_title_with_quotes_and_angle_brackets_survives_in_h1_and_meta(build):
    title = 'Why "fast" beats <perfect> & more'
    path = build.output / by_title(title).output
    page = scan(path)
    assert texts(path, "h1") == [title]
    assert page.title == f"{title} · {SITENAME}"
    assert page.meta["og:title"] == page.meta["twitter:title"] == title
    assert page.meta["og:image:alt"] == page.meta["twitter:image:alt"] == title
    assert page.meta["og:image"].endswith("/images/cards/fast-beats-perfect.png")
    (posting,) = [b for b in map(json.loads, page.json_ld) if b["@type"] == "BlogPosting"]
    assert posting["headline"] == title
    html = path.read_text(encoding="utf-8")
    assert "<h1>Why &#34;fast&#34; beats &lt;perfect&gt; &amp; more</h1>" in html
    assert 'content="Why &#34;fast&#34; beats &lt;perfect&gt; &amp; more"' in html


def test_entity_encoded_markup_stays_text_and_is_decoded_once(build):
    """|striptags in meta attributes decoded entities: `&lt;script&gt;` in a header came
    back as `<script>` markup. Text written with entities is shown with its entities."""
    title = "&lt;script&gt;alert(1)&lt;/script&gt;"
    path = build.output / by_title(title).output
    page = scan(path)
    assert texts(path, "h1") == [title]
    assert page.meta["og:title"] == page.meta["twitter:title"] == title
    assert page.title == f"{title} · {SITENAME}"
    html = path.read_text(encoding="utf-8")
    assert "<h1>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;</h1>" in html
    assert texts(path, "p", class_="offer-text") == [title]
    assert texts(path, "p", class_="offer-terms") == ["&lt;img src=x onerror=alert(1)&gt;"]
    assert texts(path, "a", rel="author") == ["&lt;b&gt;Entity&lt;/b&gt;"]


def test_script_in_a_header_is_text_on_every_kind_of_page(build):
    script = "<script>alert(1)</script>"
    entry = by_title(script)
    path = build.output / entry.output
    assert texts(path, "h1") == [script]
    assert texts(path, "p", class_="kicker") == [script]
    assert script in texts(path, "a", rel="tag")
    assert texts(path, "a", rel="author") == [script]
    assert texts(path, "p", class_="offer-text") == [script]
    assert texts(path, "p", class_="offer-terms") == [script]
    category = local(build, first_href(path, "p", "kicker"))
    assert texts(category, "h1") == [script]
    assert scan(category).title == f"{script} · {SITENAME}"
    home = [t for index in index_pages(build) for t in texts(index, "a")]
    assert script in home
    for listing in (build.output / "archives" / "index.html",
                    build.output / "offers" / "index.html", category):
        assert script in texts(listing, "a"), listing
    for page in html_files(build):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page


# --- nothing runs -----------------------------------------------------------------------


def test_no_script_element_or_event_handler_besides_ours(build):
    checked = 0
    for path in html_files(build):
        page = scan(path)
        rel = path.relative_to(build.output)
        assert not page.event_handlers, f"{rel}: {page.event_handlers}"
        for script in page.scripts:
            ours = script.get("type") == "application/ld+json" or (
                script.get("src", "").endswith(OUR_SCRIPT_SRC) and set(script) == {"src", "defer"}
            )
            assert ours, f"{rel}: <script {script}>"
        checked += 1
    assert checked > 30


def test_no_link_from_a_header_becomes_a_javascript_or_data_url(build):
    for path in html_files(build):
        for tag, attr, link in scan(path).links:
            scheme = urlsplit(link.strip()).scheme.lower()
            assert scheme in ("", "http", "https", "mailto"), f"{path}: <{tag} {attr}={link!r}>"


@pytest.mark.browser
@pytest.mark.parametrize("build_name", BUILDS)
def test_no_header_runs_script_in_the_browser(browser, request, build_name):
    """Every generated page in headless Chromium: no alert/confirm/prompt, no script element
    but ours, no on* attribute, no javascript:/data: link. Requests for the production
    address are answered from the build (tests never leave 127.0.0.1)."""
    site = request.getfixturevalue(build_name)
    dialogs = []
    with serve(site.output) as base:
        context = browser.new_context()
        context.route(f"{PRODUCTION_URL}/**", lambda route: route.fulfill(
            path=str(local(site, route.request.url.split("?")[0]))))
        context.route(re.compile(r"^(?!http://127\.0\.0\.1|" + re.escape(PRODUCTION_URL) + ")"),
                      lambda route: route.abort())
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        try:
            for path in html_files(site):
                url = base + page_url(site.output, path)
                page.goto(url, wait_until="load")
                found = page.evaluate(DOM_CHECK)
                assert not dialogs, f"{url}: {dialogs}"
                assert found == {"scripts": [], "handlers": [], "links": []}, url
        finally:
            context.close()


DOM_CHECK = """() => ({
  scripts: [...document.scripts]
    .filter(s => s.type !== "application/ld+json" && !(s.getAttribute("src") || "")
      .endsWith("/theme/js/copy.js"))
    .map(s => s.outerHTML),
  handlers: [...document.querySelectorAll("*")].flatMap(e => [...e.attributes]
    .filter(a => a.name.startsWith("on")).map(a => `${e.tagName} ${a.name}`)),
  links: [...document.querySelectorAll("[href], [src]")]
    .map(e => e.getAttribute("href") || e.getAttribute("src"))
    .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u)),
})"""


# --- exact text in the head, the h1 and listings ------------------------------------------


def test_head_values_equal_the_plain_text(build, intended):
    for entry in CORPUS:
        path = build.output / entry.output
        page = scan(path)
        description = intended[entry.url]
        short = cut(description, DESCRIPTION_LENGTH)
        assert page.title == f"{entry.title} · {SITENAME}", entry.source
        assert texts(path, "h1") == [entry.title], entry.source
        keys = ("og:title", "twitter:title")
        if entry.kind == "article":  # the alt text of its own social card
            keys += ("og:image:alt", "twitter:image:alt")
        for key in keys:
            assert page.meta[key] == entry.title, (entry.source, key)
        for key in ("description", "og:description", "twitter:description"):
            assert page.meta[key] == short, (entry.source, key)
        if entry.kind == "page":
            continue
        (posting,) = [b for b in map(json.loads, page.json_ld) if b["@type"] == "BlogPosting"]
        assert posting["headline"] == entry.title, entry.source
        assert posting["description"] == description, entry.source
        assert posting["keywords"] == ", ".join(tags_of(entry)), entry.source
        assert [a["name"] for a in posting["author"]] == [entry.meta["author"]], entry.source


def test_long_description_is_cut_at_a_word_not_inside_an_entity(build, intended):
    entry = next(e for e in ARTICLES if e.slug == "long-summary")
    full = intended[entry.url]
    assert len(full) > DESCRIPTION_LENGTH
    description = scan(build.output / entry.output).meta["description"]
    assert len(description) <= DESCRIPTION_LENGTH and description.endswith("…")
    kept = description.removesuffix("…")
    assert full.startswith(kept) and full[len(kept)] == " "
    html = (build.output / entry.output).read_text(encoding="utf-8")
    attribute = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert re.fullmatch(r"([^&]|&(amp|lt|gt|#34|#39);)*", attribute)


def test_listings_print_the_summary_as_plain_text(build, intended):
    listings = [*index_pages(build), *build.output.glob("tag/**/index.html"),
                *build.output.glob("category/**/index.html"),
                *build.output.glob("author/**/index.html")]
    shown = {}
    for path in listings:
        titles = texts(path, "h2", class_="card-title")
        summaries = texts(path, "p", class_="summary")
        assert len(titles) == len(summaries), path
        shown.update(zip(titles, summaries, strict=True))
    for entry in ARTICLES:
        if entry.lang == "en":  # translations are not listed
            assert shown[entry.title] == intended[entry.url], entry.source


@pytest.mark.slow
def test_names_offers_and_links_between_posts_are_plain_text(build):
    archives = texts(build.output / "archives" / "index.html", "a")
    for entry in ARTICLES:
        path = build.output / entry.output
        assert texts(path, "p", class_="kicker") == [entry.meta["category"]], entry.source
        assert texts(path, "a", rel="tag") == tags_of(entry), entry.source
        assert texts(path, "a", rel="author") == [entry.meta["author"]], entry.source
        if "coupon_offer" in entry.meta:
            assert texts(path, "p", class_="offer-text") == [entry.meta["coupon_offer"]]
            assert texts(path, "p", class_="offer-terms") == [entry.meta["coupon_terms"]]
        for neighbour in texts(path, "a", rel="prev") + texts(path, "a", rel="next"):
            assert neighbour in {e.title for e in ARTICLES}, (entry.source, neighbour)
        if entry.lang != "en":
            continue  # Pelican lists translations on no archive, category, tag or author page
        assert entry.title in archives, entry.source
        category = local(build, first_href(path, "p", "kicker"))
        assert texts(category, "h1") == [entry.meta["category"]], entry.source
        assert entry.title in texts(category, "h2", class_="card-title"), entry.source
        for tag in tags_of(entry):
            pages = [p for p in build.output.glob("tag/**/index.html")
                     if texts(p, "h1") == [f"Posts tagged “{tag}”"]]
            assert len(pages) == 1, (entry.source, tag)
            assert scan(pages[0]).title == f"Posts tagged “{tag}” · {SITENAME}"
        author = [p for p in build.output.glob("author/**/index.html")
                  if texts(p, "h1") == [f"Posts by {entry.meta['author']}"]]
        assert len(author) == 1, entry.source
    english, icelandic = by_title('Why "fast" beats <perfect> & more'), next(
        e for e in ARTICLES if e.lang == "is")
    assert texts(build.output / english.output, "a", rel="alternate") == [
        f"Íslenska: {icelandic.title}"]
    assert texts(build.output / icelandic.output, "a", rel="alternate") == [
        f"English: {english.title}"]
    (page,) = PAGES
    assert page.title in texts(build.output / "index.html", "a")  # the menu


def test_offers_page_shows_offers_and_terms_as_written(build):
    path = build.output / "offers" / "index.html"
    with_coupon = [e for e in ARTICLES if "coupon_offer" in e.meta]
    assert sorted(texts(path, "h2")) == sorted(e.meta["coupon_offer"] for e in with_coupon)
    assert sorted(texts(path, "p", class_="offer-terms")) == sorted(
        e.meta["coupon_terms"] for e in with_coupon)
    cards = [text for index in index_pages(build)
             for text in texts(index, "p", class_="card-offer")]
    for entry in with_coupon:
        assert f"From the post {entry.title}" in texts(path, "p"), entry.source
        assert f"Offer for our readers {entry.meta['coupon_offer']}" in cards, entry.source
    (graph,) = [json.loads(b) for b in scan(path).json_ld]
    assert sorted(o["name"] for o in graph["@graph"]) == sorted(
        e.meta["coupon_offer"] for e in with_coupon)
    assert sorted(o["description"] for o in graph["@graph"]) == sorted(
        e.meta["coupon_terms"] for e in with_coupon)


def test_share_links_carry_the_title_urlencoded(build):
    for entry in ARTICLES:
        links = [link for _, attr, link in scan(build.output / entry.output).links
                 if attr == "href"]
        (x,) = [link for link in links if link.startswith("https://x.com/intent/tweet?")]
        query = parse_qs(urlsplit(x).query)
        assert query == {"text": [entry.title], "url": [f"{PRODUCTION_URL}/{entry.url}"]}
        for compose in ("https://s2f.kytta.dev/?", "https://bsky.app/intent/compose?"):
            (share,) = [link for link in links if link.startswith(compose)]
            assert parse_qs(urlsplit(share).query) == {
                "text": [f"{entry.title} {PRODUCTION_URL}/{entry.url}"]}, share
            assert re.fullmatch(r"[A-Za-z0-9%._~/:?=&+-]*", share), share
        (mail,) = [link for link in links if link.startswith("mailto:")]
        assert parse_qs(urlsplit(mail).query)["subject"] == [entry.title], entry.source
        assert re.fullmatch(r"[A-Za-z0-9%._~/:?=&+-]*", x), x  # nothing left unencoded


def test_feed_titles_are_the_titles_exactly(hostile_prod):
    feeds = hostile_prod.output / "feeds"
    titles = sorted(e.title for e in ARTICLES)
    atom = ET.parse(feeds / "all.atom.xml").getroot()
    assert atom.find(f"{ATOM}title").text == SITENAME
    assert sorted(e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")) == titles
    rss = ET.parse(feeds / "all.rss.xml").getroot()
    assert sorted(i.find("title").text for i in rss.iter("item")) == titles
    categories = {ET.parse(f).getroot().find(f"{ATOM}title").text
                  for f in (feeds / "category").glob("*.atom.xml")}
    expected = {f"{SITENAME} - {e.meta['category']}" for e in ARTICLES if e.lang == "en"}
    assert expected <= categories


def test_auto_written_social_post_keeps_the_title_as_written(hostile_prod):
    items = json.loads(hostile_prod.plan.read_text(encoding="utf-8"))["items"]
    assert sorted(item["network"] for item in items) == ["bluesky", "mastodon", "x"]
    for item in items:           # each network's own post, fitted to its own limit
        assert item["text"].startswith('Why "fast" beats <perfect> & more: A summary with ')


# --- the templates --------------------------------------------------------------------------


def test_templates_mark_only_the_rendered_body_safe():
    assert len(TEMPLATES) > 10
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for match in re.finditer(r"([\w.]+)\s*\|\s*safe\b", text):
            assert match.group(1) in ALLOWED_SAFE, f"{name}: {match.group()}"
        assert "Markup(" not in text, name
        assert "striptags" not in text, f"{name}: use |plaintext (decodes once) instead"
        for match in re.finditer(r"{%-?\s*autoescape\s+(\S+)", text):
            assert match.group(1) == "true", f"{name}: {match.group()}"
    assert any("article.content|safe" in p.read_text(encoding="utf-8") for p in TEMPLATES)


def test_autoescape_is_on_in_the_site_settings():
    import pelicanconf

    assert pelicanconf.JINJA_ENVIRONMENT["autoescape"] is True
    assert pelicanconf.JINJA_ENVIRONMENT["trim_blocks"] is True
    assert pelicanconf.JINJA_ENVIRONMENT["lstrip_blocks"] is True
    assert "safe_text" in pelicanconf.PLUGINS


@pytest.mark.slow
def test_the_build_stops_when_autoescape_is_turned_off(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pelican", str(HOSTILE), "-o", str(tmp_path / "out"),
         "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors",
         "-e", 'JINJA_ENVIRONMENT={"autoescape": false}',
         f"CAMPAIGN_PLAN_PATH={json.dumps(str(tmp_path / 'plan.json'))}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1
    assert "JINJA_ENVIRONMENT: autoescape is off" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "plan.json").exists()
