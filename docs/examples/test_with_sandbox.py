"""A team's own tests against web21-sandbox: copy this file into your test suite.

`pip install web21-sandbox` registers the pytest plugin; each test gets a fresh contract of a sandbox server
that runs for the whole session. Your client code would take `web21_sandbox.url` as the bank's base URL.
"""


def test_read_balances(web21_contract):
    tokens = web21_contract.token("viewer")  # headless consent + code exchange, as CI would
    answer = web21_contract.api("GET", "/accounts/balances", tokens)
    assert answer.status_code == 200
    assert answer.json()["count"] == len(web21_contract.accounts)


def test_a_deposit_shows_in_the_balance(web21_contract):
    account = web21_contract.accounts[0]["accountId"]
    tokens = web21_contract.token("viewer")
    before = web21_contract.api("GET", "/accounts/balances", tokens, params={"accountId": account})
    web21_contract.deposit(account, 50_000, remitter="ｶ)ﾄﾘﾋｷｻｷ")
    after = web21_contract.api("GET", "/accounts/balances", tokens, params={"accountId": account})
    gained = int(after.json()["balances"][0]["balance"]) - int(before.json()["balances"][0]["balance"])
    assert gained == 50_000


def test_the_access_token_expires_on_the_contract_clock(web21_contract):
    tokens = web21_contract.token("viewer")
    web21_contract.advance("2h")  # the access token lives an hour (setting accessTokenLifetime)
    answer = web21_contract.api("GET", "/accounts", tokens)
    assert answer.status_code == 401


def test_maintenance_answers_503_with_retry_after(web21_contract):
    tokens = web21_contract.token("viewer")
    web21_contract.fault({"type": "maintenance", "retryAfter": 120}, trigger={"times": 1})
    answer = web21_contract.api("GET", "/accounts", tokens)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "120"
    assert web21_contract.api("GET", "/accounts", tokens).status_code == 200  # the rule fired once


def test_contracts_are_isolated(web21_sandbox, web21_contract):
    other = web21_sandbox.contract()
    mine, theirs = web21_contract.token("viewer"), other.token("viewer")
    my_accounts = {a["accountId"] for a in web21_contract.api("GET", "/accounts", mine).json()["accounts"]}
    their_accounts = {a["accountId"] for a in other.api("GET", "/accounts", theirs).json()["accounts"]}
    assert my_accounts and their_accounts and not my_accounts & their_accounts
