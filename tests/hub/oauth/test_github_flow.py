"""End to end: a real hub with OrpheusGitHubOAuthenticator against the local provider's GitHub dialect.

``allowed_organizations`` limits who may *start* a trial; once an admin has
approved a name, our database lets it in regardless.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.oidc_provider import OIDCProvider, oidc_provider
from tests.harness.hub import Hub, running_hub
from tests.hub.oauth.browser import account, oauth_login

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, OIDCProvider]]:
    with oidc_provider() as provider:
        extra = provider.github_config(allowed_organizations=("orpheus-lab",))
        hubs = running_hub(Path(tmp_path_factory.mktemp("github-hub")), extra_config=extra)
        try:
            yield next(hubs), provider
        finally:
            hubs.close()


def test_org_member_gets_a_trial_with_the_private_email(github: tuple[Hub, OIDCProvider]) -> None:
    hub, provider = github
    _, r = oauth_login(hub, provider, "ada", private_email="ada@users.example.org", orgs=("orpheus-lab",))
    assert r.status_code == 302, r.text
    model = account(hub, "ada")
    assert model is not None
    assert (model["state"], model["source"]) == ("trial", "oauth:github")
    assert model["email"] == "ada@users.example.org"  # fetched from /user/emails


def test_outsider_cannot_start_a_trial_until_an_admin_approves(github: tuple[Hub, OIDCProvider]) -> None:
    hub, provider = github
    _, refused = oauth_login(hub, provider, "mallory", "mallory@example.org", orgs=("elsewhere",))
    assert refused.status_code == 403
    assert "not among those allowed to sign up" in refused.text
    assert account(hub, "mallory") is None  # no record, no sign-up

    hub.create_user("mallory")  # hub user + Orpheus approval through the admin API
    _, admitted = oauth_login(hub, provider, "mallory", "mallory@example.org", orgs=("elsewhere",))
    assert admitted.status_code == 302, admitted.text
    model = account(hub, "mallory")
    assert model is not None
    assert model["state"] == "approved"
