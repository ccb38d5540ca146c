"""The generated Kubernetes manifests, checked offline: each overlay renders with kustomize (the
one built into kubectl), passes strict schema validation for the Kubernetes version we target,
and meets the policy every workload must: pinned images, no privilege, probes, resources and a
locked-down security context on every container, no secret values, settings that match the
Ingress. The policy check is itself shown to fail on a manifest that breaks it.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.support.baking import TEMPLATE_DIR, bake
from tests.support.variants import ALL_FLAGS_ON, Variant

KUBERNETES_VERSION = "1.35.0"
KUBECTL = str(Path(sys.executable).parent / "kubectl")
OVERLAYS = ("staging", "production")
VARIANTS = [
    Variant("all-features-rs256", {**ALL_FLAGS_ON, "jwt_algorithm": "RS256"}),
    Variant("no-features"),
    Variant("api-only-allowlist", {"frontend": "none", "use_ip_allowlist": "y"}),
]
WORKLOADS = {"Deployment", "Job"}
# Settings whose values are secret: they come from the backend-secrets Secret, never a ConfigMap.
SECRET_SETTINGS = {
    "DJANGO_SECRET_KEY",
    "JWT_SIGNING_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
}
REQUIRED = re.compile(r'require_env\("(\w+)"\)')


def render(project: Path, overlay: str) -> list[dict]:
    result = subprocess.run(
        [KUBECTL, "kustomize", str(project / "deploy" / "kubernetes" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def containers(doc: dict) -> list[dict]:
    return doc["spec"]["template"]["spec"]["containers"]


def policy_violations(docs: list[dict]) -> list[str]:
    """What a workload does that the cluster's policy forbids, one line each."""
    found = []
    for doc in docs:
        if doc["kind"] == "Secret":
            found.append(f"Secret {doc['metadata']['name']}: secret values do not belong in git")
        if doc["kind"] not in WORKLOADS:
            continue
        pod = doc["spec"]["template"]["spec"]
        name = f"{doc['kind']} {doc['metadata']['name']}"
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            found.append(f"{name}: runAsNonRoot is not set")
        if pod.get("automountServiceAccountToken", True):
            found.append(f"{name}: mounts a service account token it does not use")
        for container in pod["containers"]:
            where = f"{name}/{container['name']}"
            image = container["image"]
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if "@sha256:" not in image and tag in ("", "latest"):
                found.append(f"{where}: image {image} is not pinned to a tag or digest")
            context = container.get("securityContext", {})
            if context.get("privileged"):
                found.append(f"{where}: privileged")
            if context.get("allowPrivilegeEscalation", True):
                found.append(f"{where}: may escalate privileges")
            if not context.get("readOnlyRootFilesystem"):
                found.append(f"{where}: writable root filesystem")
            if context.get("capabilities", {}).get("drop") != ["ALL"]:
                found.append(f"{where}: capabilities not all dropped")
            resources = container.get("resources", {})
            for kind in ("requests", "limits"):
                if set(resources.get(kind, {})) != {"cpu", "memory"}:
                    found.append(f"{where}: no cpu and memory {kind}")
            if doc["kind"] == "Deployment":
                for probe in ("readinessProbe", "livenessProbe"):
                    if probe not in container:
                        found.append(f"{where}: no {probe}")
    return found


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda variant: variant.name)
def project(request, tmp_path_factory) -> tuple[Variant, Path]:
    variant = request.param
    return variant, bake(tmp_path_factory.mktemp(variant.name), **variant.context)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_renders_and_passes_strict_schema_validation(project, overlay):
    variant, path = project
    docs = render(path, overlay)
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in docs}
    assert {("Deployment", "backend"), ("Job", "migrate"), ("HorizontalPodAutoscaler", "backend")} <= kinds
    assert {("PodDisruptionBudget", "backend"), ("Ingress", "app"), ("NetworkPolicy", "default-deny")} <= kinds
    assert (("Deployment", "frontend") in kinds) == (variant.value("frontend") == "nextjs")
    assert (("Deployment", "worker") in kinds) == (variant.value("use_async_tasks") == "y")
    namespaces = {doc["metadata"].get("namespace") for doc in docs}
    slug = variant.slug
    assert namespaces == {slug if overlay == "production" else f"{slug}-staging"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_meets_the_policy(project, overlay):
    _, path = project
    assert policy_violations(render(path, overlay)) == []


def test_the_policy_check_catches_what_it_forbids(project):
    _, path = project
    docs = render(path, "production")
    backend = next(doc for doc in docs if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "backend")
    broken = copy.deepcopy(backend)
    container = containers(broken)[0]
    container["image"] = "registry.example.com/app:latest"
    container["securityContext"] = {"privileged": True}
    del container["livenessProbe"], container["resources"]["limits"]
    found = "\n".join(policy_violations([broken, {"kind": "Secret", "metadata": {"name": "leaked"}}]))
    for complaint in (
        "not pinned",
        "privileged",
        "escalate",
        "writable root",
        "capabilities",
        "limits",
        "livenessProbe",
    ):
        assert complaint in found
    assert "secret values" in found
    with pytest.raises(kubernetes_validate.ValidationError):
        typo = copy.deepcopy(backend)
        containers(typo)[0]["readinessProbes"] = containers(typo)[0].pop("readinessProbe")
        kubernetes_validate.validate(typo, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_settings_come_from_the_configmap_and_secret_names_only(project, overlay):
    """Every variable the deployed settings require is set, from the ConfigMap or the Secret whose
    keys backend-secrets.env.example lists; no secret is in the ConfigMap; hosts match the Ingress."""
    variant, path = project
    docs = render(path, overlay)
    [config] = [
        doc for doc in docs if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].startswith("backend-config")
    ]
    settings = config["data"]
    assert not SECRET_SETTINGS & set(settings), "a secret setting in the ConfigMap"
    example = path / "deploy" / "kubernetes" / "backend-secrets.env.example"
    secret_keys = {line.split("=", 1)[0] for line in example.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}
    assert not any(line.split("=", 1)[1] for line in example.read_text().splitlines() if re.match(r"^[A-Z_]+=$", line))
    required = set(REQUIRED.findall((path / "backend" / "config" / "settings" / "production.py").read_text()))
    if variant.value("jwt_algorithm") == "HS256":
        required.add("JWT_SIGNING_KEY")
    assert required <= set(settings) | secret_keys, required - set(settings) - secret_keys
    [ingress] = [doc for doc in docs if doc["kind"] == "Ingress"]
    api_host = ingress["spec"]["rules"][0]["host"]
    assert settings["ALLOWED_HOSTS"] == api_host and api_host in ingress["spec"]["tls"][0]["hosts"]
    assert settings["DJANGO_SETTINGS_MODULE"] == f"config.settings.{overlay}"
    assert settings["TRUSTED_PROXIES"]
    for workload in (doc for doc in docs if doc["kind"] in WORKLOADS and doc["metadata"]["name"] != "frontend"):
        env_from = {
            source.get("configMapRef", source.get("secretRef", {})).get("name")
            for source in containers(workload)[0]["envFrom"]
        }
        assert env_from == {config["metadata"]["name"], "backend-secrets"}, workload["metadata"]["name"]


def test_the_template_targets_the_version_it_validates_against():
    readme = (TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "README.md").read_text()
    assert f"Kubernetes {KUBERNETES_VERSION.rsplit('.', 1)[0]}" in readme
