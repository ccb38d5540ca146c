"""Bad answers are rejected by the pre-generation hook with one clear line, and nothing is written."""

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.baking import bake

REJECTED = [
    ({"project_slug": "my-project"}, "project_slug 'my-project' is not a valid Python identifier"),
    ({"project_slug": "1project"}, "project_slug '1project' is not a valid Python identifier"),
    ({"project_slug": "class"}, "project_slug 'class' is not a valid Python identifier"),
    ({"project_slug": "MyProject"}, "project_slug 'MyProject' must be lower case"),
    ({"domain_name": "https://example.com"}, "domain_name 'https://example.com' is not a host name"),
    ({"domain_name": "example"}, "domain_name 'example' is not a host name"),
    ({"domain_name": "exa mple.com"}, "domain_name 'exa mple.com' is not a host name"),
    ({"domain_name": "-bad.example.com"}, "domain_name '-bad.example.com' is not a host name"),
    ({"email": "not-an-email"}, "email 'not-an-email' is not an email address"),
    ({"email": "a@b"}, "email 'a@b' is not an email address"),
    ({"use_token_cache": "yes"}, "use_token_cache must be 'y' or 'n', not 'yes'"),
]


@pytest.mark.parametrize(("answers", "message"), REJECTED, ids=[str(answers) for answers, _ in REJECTED])
def test_invalid_answer_is_rejected_with_one_line(tmp_path, capfd, answers, message):
    with pytest.raises(FailedHookException):
        bake(tmp_path, **answers)
    error_lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR:")]
    assert len(error_lines) == 1
    assert message in error_lines[0]
    assert not any(tmp_path.iterdir())


def test_valid_answers_generate_a_project(tmp_path):
    project = bake(tmp_path, project_slug="shop_api", domain_name="shop.example.org", email="ops@shop.example.org")
    assert (project / "backend" / "manage.py").exists()
    assert "shop.example.org" in (project / "backend" / "config" / "settings" / "base.py").read_text()


def test_local_env_gets_fresh_secrets_and_deployed_examples_do_not(tmp_path):
    first = (bake(tmp_path / "a") / "backend" / ".env").read_text()
    second = (bake(tmp_path / "b") / "backend" / ".env").read_text()
    assert "change-me" not in first
    assert first != second
    production = (tmp_path / "a" / "acme_portal" / "backend" / ".env.production.example").read_text()
    assert "DJANGO_SECRET_KEY=\n" in production
