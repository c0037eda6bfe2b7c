"""The dashboard end to end in a real Chromium against the real gateway on loopback.

The database holds real data from the other modules (see web_seed.py). Every page is visited
and screenshotted (test-artifacts/web-*.png), and no request may leave 127.0.0.1.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from web_seed import ALPHA_KEY, HARMFUL, STAFF_KEY, XSS_TITLE, Seeded


def login(page: Any, seeded: Seeded, target: str = "/ui/") -> None:
    page.set_default_timeout(8000)
    page.goto(seeded.url + target)
    page.fill("#api_key", STAFF_KEY)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def assert_offline(page: Any) -> None:
    hosts = {urlparse(u).hostname for u in page.requested if not u.startswith(("data:", "about:"))}
    assert hosts == {"127.0.0.1"}, f"requests left loopback: {sorted(page.requested)}"


def db_scalar(seeded: Seeded, sql: str, **params: Any) -> Any:
    with seeded.store.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_anonymous_is_sent_to_login_and_only_staff_keys_get_in(page: Any, seeded: Seeded, screenshot: Any) -> None:
    page.set_default_timeout(8000)
    page.goto(seeded.url + "/ui/incidents")
    assert urlparse(page.url).path == "/ui/login"
    assert page.locator("nav").count() == 0  # nothing of the dashboard before login
    screenshot(page, "web-login")
    page.fill("#api_key", ALPHA_KEY)  # a valid gateway key, but not a staff key
    page.click("form.stack button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
    assert urlparse(page.url).path == "/ui/login"
    page.fill("#api_key", STAFF_KEY)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/ui/incidents"  # back where the visitor wanted to go
    assert "staff" in page.locator(".who").inner_text()
    page.click(".tools form.inline button")  # sign out (a CSRF-protected POST)
    page.goto(seeded.url + "/ui/")
    assert urlparse(page.url).path == "/ui/login"
    assert_offline(page)


def test_every_page_renders_from_module_data(page: Any, seeded: Seeded, screenshot: Any) -> None:
    login(page, seeded)
    total = db_scalar(seeded, "select count(*) from gateway_audit")
    assert total >= sum(seeded.traffic.values())
    assert page.locator("#kpi-total").inner_text() == str(total)
    refused = db_scalar(seeded, "select count(*) from gateway_audit where action in ('refuse','block')")
    assert page.locator("#kpi-block").inner_text() == f"{refused / total * 100:.1f}%"
    assert "A1.4" in page.locator("#top-categories").inner_text()
    assert page.locator("#kpi-overdue").inner_text() != "0"  # the 40-day-old vulnerability report
    screenshot(page, "web-overview")

    page.click("nav >> text=Guard traffic")
    assert page.locator("#traffic-table tbody tr").count() == total
    screenshot(page, "web-traffic")
    page.locator("#traffic-table tbody tr.act-refuse a").first.click()
    assert HARMFUL in page.locator("#req-text").inner_text()  # full retention, within text_days
    screenshot(page, "web-traffic-detail")

    page.click("nav >> text=Assessments")
    assert page.locator("#runs tbody tr").count() == 2
    screenshot(page, "web-assessments")
    page.locator("#runs tbody tr").first.locator("a").first.click()  # newest = regressed run
    assert page.locator("#by-risk").inner_text().count("A1.4") == 1
    assert page.locator("#run-result").inner_text() in ("FAIL", "PASS")
    assert page.locator("svg[role=img]").count() >= 1
    screenshot(page, "web-assessment-run")
    page.click("form.filters button[type=submit]")  # compare with the other run
    regress = page.locator("#regressions").inner_text()
    assert "A1.4" in regress and "A2.5" not in regress
    screenshot(page, "web-assessment-diff")
    page.goto(seeded.url + f"/ui/assessments/{seeded.runs[1]}/report")
    assert seeded.runs[1] in page.content()
    screenshot(page, "web-assessment-report")

    page.goto(seeded.url + "/ui/")
    page.click("nav >> text=Corpus audits")
    sources = page.locator("#sources").inner_text()
    assert "forum" in sources and "books" in sources and "CC-BY-4.0" in sources
    assert "forum" in page.locator("#blacklist-table").inner_text()  # 10/60 harmful > 5%: blacklisted by the audit
    assert "books" not in page.locator("#blacklist-table").inner_text()
    screenshot(page, "web-corpus")

    page.click("nav >> text=Incidents")
    assert page.locator("#incidents-table tbody tr").count() == db_scalar(seeded, "select count(*) from incidents_record") >= 4
    assert seeded.refs["overdue"] in page.locator("#overdue").inner_text()
    screenshot(page, "web-incidents")

    page.click("nav >> text=Governance & labels")
    gate = page.locator("table.gate").first.inner_text()
    decision = db_scalar(seeded, "select decision from govern_gate_decisions order by id desc limit 1")
    assert {"deploy": "deploy", "hold": "hold"}[decision] in gate and "Chief Safety Officer" in gate
    assert seeded.runs[1] in gate  # the gate read the regressed run's refusal rate
    assert page.locator("#self-assessments tbody tr").count() == 2
    assert page.locator("#registry-total").inner_text() == str(db_scalar(seeded, "select count(*) from label_outputs")) == "2"
    assert "web-test" in page.locator("#registry").inner_text()
    screenshot(page, "web-governance")

    page.click("nav >> text=Taxonomy & policy")
    assert "webtest" in page.content()
    assert page.locator("#taxonomy tbody tr").count() >= 31 + 6
    bank = page.locator("#answer-bank-1 tbody tr")
    assert bank.count() == 2
    en_row = bank.filter(has_text="web-moon-en").locator("td")
    assert "The Moon has no capital" in en_row.nth(5).inner_text() and en_row.nth(9).inner_text() == "1"  # one hit
    screenshot(page, "web-policy")
    assert_offline(page)


def test_traffic_filters_match_the_database(page: Any, seeded: Seeded, screenshot: Any) -> None:
    login(page, seeded, "/ui/traffic")
    page.select_option("#f-key", "alpha")
    page.select_option("#f-action", "refuse")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    want = db_scalar(seeded, "select count(*) from gateway_audit where key_id='alpha' and action='refuse'")
    rows = page.locator("#traffic-table tbody tr")
    assert want >= 2 and rows.count() == want
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(2).inner_text() == "alpha" and cells.nth(5).inner_text() == "refuse"
    screenshot(page, "web-traffic-filtered")
    page.goto(seeded.url + "/ui/traffic?category=A5.2")
    want = db_scalar(seeded, "select count(*) from gateway_audit where cast(categories as text) like '%\"A5.2\"%'")
    assert want >= 2 and page.locator("#traffic-table tbody tr").count() == want
    assert set(page.locator("#traffic-table tbody tr td.decision").all_inner_texts()) == {"flag"}
    page.goto(seeded.url + "/ui/traffic?key=beta&since=2000-01-01T00:00&until=2000-01-02T00:00")
    assert page.locator("#no-rows").is_visible()
    # incident filters: kind and severity select the records the registry holds
    page.goto(seeded.url + "/ui/incidents")
    page.select_option("#f-kind", "vulnerability")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    refs = page.locator("#incidents-table tbody tr td:first-child").all_inner_texts()
    assert refs == [seeded.refs["overdue"]] == [
        db_scalar(seeded, "select ref from incidents_record where kind='vulnerability'")]
    page.goto(seeded.url + "/ui/incidents?severity=moderate")
    assert page.locator("#incidents-table tbody tr td:first-child").all_inner_texts() == [seeded.refs["complaint"]]
    assert_offline(page)


def test_incident_move_in_the_ui_is_stored_and_titles_are_escaped(page: Any, seeded: Seeded, screenshot: Any) -> None:
    dialogs: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    login(page, seeded, "/ui/incidents")
    assert XSS_TITLE in page.locator("#incidents-table").inner_text()  # shown as text, not run
    ref = seeded.refs["xss"]
    page.click(f"a[href='/ui/incidents/{ref}']")
    assert page.locator("#incident-title").inner_text() == XSS_TITLE
    assert page.evaluate("window.__xss") is None and not dialogs
    assert page.locator("#incident-title script").count() == 0
    page.select_option("#move-to", "triaged")
    page.fill("#move-note", "looked at it in the dashboard")
    page.click("#move-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#flash").is_visible()
    assert page.locator("#incident-status").get_attribute("data-status") == "triaged"
    screenshot(page, "web-incident")
    assert db_scalar(seeded, "select status from incidents_record where ref=:r", r=ref) == "triaged"
    ev = db_scalar(seeded, "select actor || '|' || note from incidents_event e join incidents_record r on r.id=e.record_id "
                           "where r.ref=:r and e.kind='transition' order by e.id desc limit 1", r=ref)
    assert ev == "web:staff|looked at it in the dashboard"
    assert_offline(page)


def test_zh_en_switch_and_keyboard_navigation(page: Any, seeded: Seeded, screenshot: Any) -> None:
    login(page, seeded, "/ui/")
    assert page.get_attribute("html", "lang") == "en"
    page.click("a[hreflang=zh-CN]")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("nav a[aria-current=page]").inner_text() == "总览"
    page.click("nav >> text=事件与投诉")  # the choice is remembered (cookie) on the next page
    assert page.get_attribute("html", "lang") == "zh-CN" and page.locator("h1").inner_text() == "事件与投诉"
    screenshot(page, "web-incidents-zh")
    page.goto(seeded.url + "/ui/policy?lang=en")
    assert page.locator("h1").inner_text() == "Taxonomy & policy"
    # keyboard: the first Tab reaches the skip link, which moves focus to the main content
    page.goto(seeded.url + "/ui/traffic")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every form control on the filter pages has a label
    for path in ("/ui/", "/ui/traffic", "/ui/incidents", f"/ui/incidents/{seeded.refs['complaint']}", "/ui/assessments",
                 f"/ui/assessments/{seeded.runs[1]}", "/ui/login"):
        page.goto(seeded.url + path)
        unlabeled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.outerHTML)""")
        assert unlabeled == [], (path, unlabeled)
    # text contrast (WCAG 2 AA): 4.5:1, or 3:1 for large text, against the nearest opaque background
    for path in list(page_paths(seeded).values())[:-1]:
        page.goto(seeded.url + path)
        low = page.evaluate(CONTRAST_JS)
        assert low == [], (path, low[:5])
    assert_offline(page)


CONTRAST_JS = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                     if (c.length < 4 || c[3] > 0.99) return c; } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none' || el.getClientRects().length === 0) continue;
    const a = lum(rgb(st.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return out;
}"""


CJK = "[\u3400-\u9fff]"
# interface text that is the same in both languages (codes, units, names of standards/formats)
SAME_IN_BOTH = {"n", "#", "SHA-256", "API", "JSON", "ID", "%", "PASS %", "95% CI"}


def page_paths(seeded: Seeded) -> dict[str, str]:
    """Artefact name -> path of every dashboard page (login last: it is the one page without a session)."""
    return {"overview": "/ui/", "traffic": "/ui/traffic", "traffic-request": "/ui/traffic/1",
            "assessments": "/ui/assessments", "assessment-run": f"/ui/assessments/{seeded.runs[1]}",
            "assessment-diff": f"/ui/assessments/diff?a={seeded.runs[0]}&b={seeded.runs[1]}", "corpus": "/ui/corpus",
            "incidents": "/ui/incidents", "incident": f"/ui/incidents/{seeded.refs['complaint']}",
            "governance": "/ui/governance", "policy": "/ui/policy", "login": "/ui/login?x=1"}


def test_every_page_in_both_languages(page: Any, seeded: Seeded, screenshot: Any) -> None:
    """Every page's interface text (headings, column heads, labels, buttons, field names, status
    tags) is Chinese under zh and free of Chinese under en; the language sticks across pages."""
    login(page, seeded)
    problems = []
    chrome = ("h1, h2:not(.data), h3, th, caption, label, button, dt, legend, nav a, .tools span:first-child, "
              "[data-i18n]")
    for lang, html_lang in (("zh", "zh-CN"), ("en", "en")):
        page.goto(seeded.url + f"/ui/?lang={lang}")
        for name, path in page_paths(seeded).items():
            page.goto(seeded.url + path)
            assert page.get_attribute("html", "lang") == html_lang, (lang, path)
            texts = [t.strip() for t in page.locator(chrome).all_inner_texts() if t.strip()]
            assert texts, path
            if lang == "zh":
                bad = [t for t in texts if not re.search(CJK, t) and t not in SAME_IN_BOTH
                       and not re.fullmatch(r"[A-Z]{2,4}-\d{8}-[0-9a-f]{8}|[A-S]\d(\.\d+)?", t)]
            else:
                bad = [t for t in texts if re.search(CJK, t) and t != "中文"]
            if bad:
                problems.append((lang, path, bad))
            if seeded.db_url.startswith("sqlite"):  # the same pages on PostgreSQL: one set of artefacts is enough
                screenshot(page, f"web-{lang}-{name}")
    assert problems == []
    assert_offline(page)
