"""The agents page's decision history with a real graded decision: an opportunity reaches its result, the grading job
(run by an admin through the API) grades it as a paper bet, and the bettor sees it with its result."""
import os
import subprocess
import time

from conftest import BASE, USER, log_in, screenshot


def psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", os.environ["DATABASE_URL"], "-c", sql], check=True,
                   capture_output=True)


def test_a_graded_opportunity_appears_in_the_decision_history(new_context, user_api, admin_api):
    # The lowest-scored h2h opportunity: the other tests use the top of the lists.
    listed = user_api.call("GET", "/v1/opportunities?sort=score&limit=100")["data"]
    h2h = [o for o in listed if o["market"] == "h2h" and o["outcome"] in ("home", "away")]
    assert h2h, f"the demo lists h2h home/away opportunities: {[(o['market'], o['outcome']) for o in listed]}"
    opportunity = h2h[-1]
    won = opportunity["outcome"]
    home, away = (2, 1) if won == "home" else (1, 2)
    psql(f"UPDATE opportunities SET status = 'expired' WHERE id = '{opportunity['id']}'")
    psql(f"INSERT INTO event_results (event_id, home_score, away_score, outcome, winner, source) "
         f"VALUES ({opportunity['event_id']}, {home}, {away}, 'finished', '{won}', 'e2e')")
    admin_api.call("POST", "/v1/admin/jobs/opportunities.grade/run")

    deadline = time.time() + 30
    graded = None
    while time.time() < deadline and graded is None:
        history = user_api.call("GET", "/v1/opportunities/history?limit=100")["data"]
        graded = next((o for o in history if o["id"] == opportunity["id"] and o.get("paper")), None)
        time.sleep(0.3)
    assert graded, "the grading job graded the opportunity"
    assert graded["paper"]["grade"] == "won"

    page = new_context().new_page()
    log_in(page, *USER)
    page.goto(BASE + "/agents")
    row = page.locator("main section", has_text="Decision history").locator("tbody tr").first
    row.wait_for()
    assert "Won" in row.inner_text()
    screenshot(page, "agents-decision-history-1280")
