"""The phone flows of #31 in headless Chromium on a 360 px Android profile, in a persistent
context (installability, the service worker and storage need a real profile directory).

Run by tests/pages/test_phone_browser.py as `python -m tests.pages.phone_flows BASE_URL`, in a
process of its own (the test process is monkey-patched by eventlet, under which Playwright's
driver stalls). Prints one JSON line: {flow name: null, or the failure's traceback}.
"""
import json
import os
import re
import sys
import tempfile
import time
import traceback

from playwright.sync_api import expect, sync_playwright

from tests.pages.browser_flows import CHROMIUM, CLIENT, fill_report

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        # the install prompt is offered after some "engagement" with a site; a test has none
        "--bypass-app-banner-engagement-checks"]
ANDROID = ("Mozilla/5.0 (Linux; Android 12; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0.0.0 Mobile Safari/537.36")
PROFILE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
           "has_touch": True, "user_agent": ANDROID, "locale": "id-ID"}
FLOWS = {}


def flow(fn):
    FLOWS[fn.__name__] = fn
    return fn


def until(check, what, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def shot(page, name):
    """A screenshot to look at, when TL_SHOTS names a folder (never committed)."""
    if os.environ.get("TL_SHOTS"):
        page.screenshot(path=f"{os.environ['TL_SHOTS']}/{name}.png", full_page=True)


def controlled(page):
    until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker")


@flow
def two_regions_are_installable_apps(page, base):
    cdp = page.context.new_cdp_session(page)
    for code, name in (("36.71", "Kota Tangerang"), ("36.02", "Kabupaten Lebak")):
        page.goto(f"{base}/r/{code}/")
        controlled(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith(f"/r/{code}/manifest.webmanifest"), manifest
        assert not manifest["errors"], manifest
        assert f'"name": "Tangerang Live {name}"' in manifest["data"], manifest["data"][:300]
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], (code, errors)


@flow
def the_install_prompt_can_be_dismissed(page, base):
    page.goto(f"{base}/r/36.73/")
    controlled(page)
    page.reload()  # Chrome offers the install once the page is controlled and the manifest read
    bar = page.locator("#pasang-aplikasi")
    expect(bar).to_be_visible(timeout=15_000)
    expect(bar.get_by_role("button", name="Pasang")).to_be_visible()
    shot(page, "install-bar-360")
    bar.get_by_role("button", name="Nanti saja").click()
    expect(bar).to_have_count(0)
    page.reload()
    page.wait_for_timeout(1500)
    expect(page.locator("#pasang-aplikasi")).to_have_count(0)  # remembered


@flow
def the_switcher_is_the_first_step(page, base):
    page.goto(f"{base}/")
    expect(page.locator("header")).not_to_contain_text("Kota Tangerang")
    shot(page, "chooser-360")
    page.set_viewport_size({"width": 1366, "height": 768})
    shot(page, "chooser-1366")
    page.set_viewport_size(PROFILE["viewport"])
    page.get_by_role("link", name="Kabupaten Lebak").click()
    expect(page).to_have_url(f"{base}/r/36.02/")
    expect(page.locator("header .wilayah")).to_contain_text("Kabupaten Lebak")
    page.locator("nav.menu").get_by_role("link", name="Harga", exact=True).click()
    page.locator("details.ganti summary").click()
    page.locator("details.ganti").get_by_role("link", name="Kota Batam").click()
    expect(page).to_have_url(f"{base}/r/21.71/harga")
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{base}/")  # the choice is remembered
    expect(page).to_have_url(re.compile(r"/r/36\.02/$"))


@flow
def sending_shows_mengirim_and_errors_get_the_focus(page, base):
    page.goto(f"{base}/r/36.71/lapor")
    held = []
    page.route("**/r/36.71/lapor", lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    fill_report(page, "rusak")
    button = page.locator("#isian-form button[type=submit]")
    button.click()
    until(lambda: held, "the report to leave")
    expect(button).to_be_disabled()
    expect(button).to_have_text("Mengirim\u2026")
    shot(page, "mengirim-360")
    expect(page.locator("#isian-description")).to_have_value("rusak")  # not blanked while sending
    held[0].continue_()
    summary = page.locator("#ringkasan-galat")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("paling sedikit 10 karakter")
    shot(page, "refused-360")


def main(base, names):
    results = {}
    with sync_playwright() as playwright:
        for name in names:
            with tempfile.TemporaryDirectory() as profile:
                context = playwright.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                    extra_http_headers={"X-Forwarded-For": CLIENT}, **PROFILE)
                context.set_default_timeout(10_000)
                try:
                    FLOWS[name](context.pages[0] if context.pages else context.new_page(), base)
                    results[name] = None
                except Exception:  # noqa: BLE001 - reported to the test, which fails with it
                    results[name] = traceback.format_exc()
                finally:
                    context.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or list(FLOWS))
