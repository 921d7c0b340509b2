"""The app shell's router in a real browser: the view on screen is always the one the address names."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_a_quick_second_navigation_wins_over_a_view_still_loading(page: Any, server: str) -> None:
    page.goto(f"{server}/#/playground?digit=3&index=0")
    page.wait_for_selector(".playground[data-busy='false']")
    # The network view's module is still loading when the address changes again: it must not mount.
    # (The second change waits for the first hashchange, so the network route has begun its import.)
    page.evaluate(
        """() => new Promise((done) => {
            addEventListener("hashchange", () => {
                location.hash = "#/playground?digit=5&index=0";
                done();
            }, { once: true });
            location.hash = "#/network";
        })"""
    )
    page.wait_for_selector(".playground[data-busy='false']")
    # Once the network module has arrived, a stale navigation would have mounted it by the next frame.
    page.wait_for_function(
        "performance.getEntriesByType('resource').some((e) => e.name.endsWith('/js/views/network/index.js'))"
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
    assert page.locator("#app .network").count() == 0
    assert page.locator("#app .playground").count() == 1
    assert page.locator("[data-nav=playground][aria-current=page]").count() == 1


def test_an_unknown_view_says_so_and_links_to_the_playground(page: Any, server: str) -> None:
    page.goto(f"{server}/#/nonsense")
    page.get_by_text("No view called “nonsense”").wait_for()
    page.get_by_role("link", name="Open the convolution playground").click()
    page.wait_for_selector(".playground[data-busy='false']")


def test_every_view_is_one_folder_with_the_same_shape(page: Any, server: str) -> None:
    """A page is a folder under js/views/ whose index.js exports `view`; its URL state goes in and out."""
    page.goto(f"{server}/#/playground")
    page.wait_for_selector(".playground[data-busy='false']")
    shapes = page.evaluate(
        """async () => Promise.all(["playground", "network", "training", "signals"].map(async (name) => {
            const { view } = await import(`/js/views/${name}/index.js`);
            return [name, view.route, typeof view.title, typeof view.mount,
                    typeof view.stateFromUrl, typeof view.stateToUrl];
        }))"""
    )
    for name, route, *kinds in shapes:
        assert route == name
        assert kinds == ["string", "function", "function", "function"]
    query = "digit=7&index=0&layer=conv2&unit=3%2C4%2C5"
    round_trip = page.evaluate(
        """async (query) => {
            const { view } = await import("/js/views/network/index.js");
            return view.stateToUrl(view.stateFromUrl(new URLSearchParams(query))).toString();
        }""",
        query,
    )
    assert round_trip == query
