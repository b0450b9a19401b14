"""deploy/k8s/values.yaml: the Zero to JupyterHub chart's documented keys only, the same
image and PostgreSQL, and its extraConfig run for real on the embedded default.

The chart itself (and helm) is not installable here from PyPI, npm or Debian, so the YAML
is checked against the keys the chart's configuration reference documents (listed below,
chart 4.x, JupyterHub 5.x); ``ANY`` marks a documented key whose content is free-form
(env, volumes, Python snippets, Kubernetes objects). This list was compared with the
chart's own ``values.schema.yaml`` once by hand, and the values file, merged into the
chart's defaults, validated against that schema with jsonschema without an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness.hub import REPO

VALUES = REPO / "deploy" / "k8s" / "values.yaml"
ANY = "any"
PULL_POLICIES = {None, "", "IfNotPresent", "Always", "Never"}
IMAGE = {"name": ANY, "tag": ANY, "pullPolicy": ANY, "pullSecrets": ANY}
NETWORK_POLICY = {
    "enabled": ANY, "ingress": ANY, "egress": ANY, "interNamespaceAccessLabels": ANY,
    "allowedIngressPorts": ANY,
    "egressAllowRules": {k: ANY for k in ("cloudMetadataServer", "dnsPortsCloudMetadataServer",
                                          "dnsPortsKubeSystemNamespace", "dnsPortsPrivateIPs",
                                          "nonPrivateIPs", "privateIPs")},
}
DOCUMENTED: dict[str, Any] = {
    "fullnameOverride": ANY, "nameOverride": ANY, "enabled": ANY, "imagePullSecrets": ANY,
    "imagePullSecret": ANY, "custom": ANY, "global": ANY, "rbac": {"create": ANY}, "debug": {"enabled": ANY},
    "hub": {
        "revisionHistoryLimit": ANY, "config": ANY, "extraFiles": ANY, "baseUrl": ANY,
        "command": ANY, "args": ANY, "cookieSecret": ANY, "image": IMAGE,
        "networkPolicy": NETWORK_POLICY,
        "db": {"type": ANY, "pvc": ANY, "upgrade": ANY, "url": ANY, "password": ANY},
        "labels": ANY, "initContainers": ANY, "nodeSelector": ANY, "tolerations": ANY,
        "concurrentSpawnLimit": ANY, "consecutiveFailureLimit": ANY, "activeServerLimit": ANY,
        "deploymentStrategy": ANY, "extraConfig": ANY, "extraContainers": ANY, "extraEnv": ANY,
        "extraPodSpec": ANY, "extraVolumes": ANY, "extraVolumeMounts": ANY, "livenessProbe": ANY,
        "readinessProbe": ANY, "namedServerLimitPerUser": ANY, "pdb": ANY,
        "podSecurityContext": ANY, "containerSecurityContext": ANY, "resources": ANY,
        "redirectToServer": ANY,
        "service": {"type": ANY, "ports": ANY, "annotations": ANY, "extraPorts": ANY,
                    "loadBalancerIP": ANY},
        "serviceAccount": ANY, "templatePaths": ANY, "templateVars": ANY,
        "authenticatePrometheus": ANY, "allowNamedServers": ANY, "annotations": ANY,
        "shutdownOnLogout": ANY, "existingSecret": ANY, "services": ANY, "lifecycle": ANY,
        "loadRoles": ANY,
    },
    "proxy": {
        "chp": ANY, "traefik": ANY, "secretSync": ANY, "secretToken": ANY, "annotations": ANY,
        "deploymentStrategy": ANY, "labels": ANY,
        "https": {"enabled": ANY, "type": ANY, "letsencrypt": {"contactEmail": ANY, "acmeServer": ANY},
                  "manual": ANY, "secret": ANY, "hosts": ANY},
        "service": {"type": ANY, "labels": ANY, "annotations": ANY, "nodePorts": ANY,
                    "disableHttpPort": ANY, "extraPorts": ANY, "loadBalancerIP": ANY,
                    "loadBalancerSourceRanges": ANY},
    },
    "singleuser": {
        "networkPolicy": NETWORK_POLICY, "podNameTemplate": ANY,
        "cpu": {"limit": ANY, "guarantee": ANY}, "memory": {"limit": ANY, "guarantee": ANY},
        "image": IMAGE, "initContainers": ANY, "profileList": ANY, "extraFiles": ANY,
        "extraEnv": ANY, "nodeSelector": ANY, "extraTolerations": ANY, "extraNodeAffinity": ANY,
        "extraPodAffinity": ANY, "extraPodAntiAffinity": ANY,
        "cloudMetadata": {"blockWithIptables": ANY, "ip": ANY},
        "cmd": ANY, "defaultUrl": ANY, "extraPodConfig": ANY, "extraLabels": ANY,
        "extraAnnotations": ANY, "extraResource": ANY, "extraContainers": ANY, "uid": ANY,
        "fsGid": ANY, "serviceAccountName": ANY,
        "storage": {"type": ANY, "extraLabels": ANY, "extraVolumes": ANY, "extraVolumeMounts": ANY,
                    "static": {"pvcName": ANY, "subPath": ANY}, "capacity": ANY, "homeMountPath": ANY,
                    "dynamic": {"storageClass": ANY, "pvcNameTemplate": ANY, "volumeNameTemplate": ANY,
                                "storageAccessModes": ANY, "subPath": ANY}},
        "lifecycleHooks": ANY, "startTimeout": ANY, "allowPrivilegeEscalation": ANY, "events": ANY,
    },
    "scheduling": {"userScheduler": ANY, "podPriority": ANY, "userPlaceholder": ANY,
                   "corePods": ANY, "userPods": ANY},
    "prePuller": {"hook": ANY, "continuous": ANY, "pullProfileListImages": ANY,
                  "extraImages": ANY, "containerSecurityContext": ANY, "pause": ANY,
                  "annotations": ANY, "labels": ANY, "resources": ANY, "extraTolerations": ANY,
                  "revisionHistoryLimit": ANY},
    "ingress": {"enabled": ANY, "annotations": ANY, "ingressClassName": ANY, "hosts": ANY,
                "pathSuffix": ANY, "pathType": ANY, "tls": ANY, "extraPaths": ANY},
    "cull": {"enabled": ANY, "users": ANY, "adminUsers": ANY, "removeNamedServers": ANY,
             "timeout": ANY, "every": ANY, "concurrency": ANY, "maxAge": ANY},
}


def undocumented(values: dict[str, Any], schema: dict[str, Any], where: str = "") -> list[str]:
    """Key paths of ``values`` that ``schema`` does not list (recursing into listed blocks)."""
    found = []
    for key, value in values.items():
        path = f"{where}.{key}" if where else key
        if key not in schema:
            found.append(path)
        elif isinstance(schema[key], dict):
            if not isinstance(value, dict):
                found.append(f"{path} (expected a mapping)")
            else:
                found.extend(undocumented(value, schema[key], path))
    return found


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(VALUES.read_text())
    return data


def test_the_checker_catches_a_misspelt_key() -> None:
    broken = {"hub": {"db": {"typ": "postgres"}}, "singleuser": {"memory": "2G"}}
    assert undocumented(broken, DOCUMENTED) == ["hub.db.typ", "singleuser.memory (expected a mapping)"]


def test_values_use_only_documented_keys(values: dict[str, Any]) -> None:
    assert undocumented(values, DOCUMENTED) == []


def test_kubespawner_runs_the_same_image_unprivileged(values: dict[str, Any]) -> None:
    single = values["singleuser"]
    build = (REPO / "deploy" / "image" / "build.sh").read_text()
    assert "IMAGE=${ORPHEUS_IMAGE_REPO:-orpheus/singleuser}" in build
    assert single["image"]["name"] == "orpheus/singleuser"
    assert single["image"]["pullPolicy"] in PULL_POLICIES
    assert values["hub"]["image"]["pullPolicy"] in PULL_POLICIES
    assert single["uid"] == 1000
    assert single["allowPrivilegeEscalation"] is False
    assert single["cloudMetadata"]["blockWithIptables"] is False  # no root init container
    assert single["cmd"] == "jupyterhub-singleuser"
    assert single["storage"]["homeMountPath"] == "/home/jovyan"
    assert single["memory"]["limit"]
    assert single["cpu"]["limit"]


def test_postgres_for_every_database(values: dict[str, Any]) -> None:
    hub = values["hub"]
    assert hub["db"]["type"] == "postgres"
    assert hub["db"]["url"].startswith("postgresql")
    assert "password" not in hub["db"]  # given with --set, never committed
    env = hub["extraEnv"]
    for key in ("ORPHEUS_DB_URL", "ORPHEUS_SHARE_DB_URL", "ORPHEUS_LLM_DB_URL"):
        assert env[key].startswith("postgresql"), key
    ports = {p["port"] for p in hub["service"]["extraPorts"]}
    assert ports == {int(env["ORPHEUS_SHARE_PORT"]), int(env["ORPHEUS_LLM_PORT"])}


RUN_EXTRA_CONFIG = """
import json, sys
from traitlets.config import Config
c = Config()
# what the chart's own configuration has set before extraConfig runs
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.environment = {"FROM_CHART": "kept"}
exec(sys.stdin.read())
out = {
    "authenticator": c.JupyterHub.authenticator_class,
    "spawner": c.JupyterHub.spawner_class,
    "services": c.JupyterHub.services,
    "roles": [r["name"] for r in c.JupyterHub.load_roles],
    "env": c.KubeSpawner.environment,
    "args": c.KubeSpawner.args,
    "scopes": c.KubeSpawner.server_token_scopes,
    "templates": [str(p) for p in c.JupyterHub.template_paths],
    "auth_db": c.OrpheusAuthenticator.db_url,
}
print(json.dumps(out, default=str))
"""


def test_extra_config_runs_on_the_embedded_default(values: dict[str, Any], tmp_path: Path) -> None:
    hub = values["hub"]
    env = {k: v for k, v in hub["extraEnv"].items() if isinstance(v, str)}
    env.update({"POD_IP": "10.1.2.3", "ORPHEUS_DATA_DIR": str(tmp_path / "data"),
                "ORPHEUS_HUB_EXTRA_CONFIG": str(tmp_path / "kubernetes.py"),
                "PGPASSWORD": "from-the-chart-secret"})
    (tmp_path / "kubernetes.py").write_text(hub["extraFiles"]["orpheus-kubernetes"]["stringData"])
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("ORPHEUS_", "ANTHROPIC", "OPENAI"))}
    snippet = hub["extraConfig"]["10-orpheus"]
    out = subprocess.run([sys.executable, "-c", RUN_EXTRA_CONFIG], input=snippet, text=True,
                         capture_output=True, env={**keep, **env}, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["authenticator"] == "orpheus_hub.auth.OrpheusAuthenticator"
    assert got["spawner"] == "kubespawner.KubeSpawner"  # the chart's spawner stays
    assert got["auth_db"] == env["ORPHEUS_DB_URL"]
    services = {s["name"]: s for s in got["services"]}
    assert services["share"]["url"] == "http://10.1.2.3:8082"
    assert services["llm"]["url"] == "http://10.1.2.3:8083"
    assert services["share"]["environment"]["ORPHEUS_SHARE_DB_URL"] == env["ORPHEUS_SHARE_DB_URL"]
    assert services["llm"]["environment"]["ORPHEUS_LLM_DB_URL"] == env["ORPHEUS_LLM_DB_URL"]
    assert services["llm"]["environment"]["PGPASSWORD"] == "from-the-chart-secret"
    assert "share-service" in got["roles"]
    assert got["env"]["FROM_CHART"] == "kept"
    assert got["env"]["ORPHEUS_SHARE_URL"] == "http://hub:8082/services/share/"
    assert got["env"]["ORPHEUS_LLM_URL"] == "http://hub:8083/services/llm"
    assert got["env"]["ORPHEUS_PUBLIC_URL"] == env["ORPHEUS_PUBLIC_URL"]
    assert "PATH" not in got["env"]
    assert "--allow-root" not in got["args"]
    assert "--ServerApp.contents_manager_class=orpheus.contents.OrpheusContentsManager" in got["args"]
    assert "access:services!service=llm" in got["scopes"]
