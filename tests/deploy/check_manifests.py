"""Checks the deployment files keep the container security defaults of the seed
(uid 10001, read-only root filesystem, no privilege escalation, not privileged) and that the
NetworkPolicies let only InfraSage reach ClickHouse. Run by CTest as deploy.manifests."""
import glob
import os
import sys

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def documents():
    for path in sorted(glob.glob(os.path.join(ROOT, "deploy", "kubernetes", "*.yaml"))):
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    yield os.path.basename(path), doc


docs = list(documents())
workloads = [(f, d) for f, d in docs if d["kind"] in ("Deployment", "StatefulSet")]
check(len(workloads) >= 2, "expected the InfraSage Deployment and the ClickHouse StatefulSet")
for name, doc in workloads:
    pod = doc["spec"]["template"]["spec"]
    check(pod["securityContext"].get("runAsNonRoot") is True, f"{name}: pod runAsNonRoot")
    check(pod.get("automountServiceAccountToken") is False, f"{name}: service account token")
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        where = f"{name}/{c['name']}"
        check(sc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem")
        check(sc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation")
        check(sc.get("privileged") is False, f"{where}: privileged")
        check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: capabilities")
        if doc["metadata"]["name"] == "infrasage":
            check(sc.get("runAsUser") == 10001, f"{where}: runAsUser 10001")
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            check(env.get("INFRASAGE_ENV") == "production", f"{where}: production mode")
            for secret in ("JWT_SECRET", "CLICKHOUSE_PASSWORD", "INFRASAGE_API_KEY_PEPPER"):
                check(secret not in env and f"{secret}_FILE" in env,
                      f"{where}: {secret} must come from a file, not an env value")

policies = {d["metadata"]["name"]: d for _, d in docs if d["kind"] == "NetworkPolicy"}
deny = policies.get("default-deny")
check(deny is not None and deny["spec"]["podSelector"] == {}
      and set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"},
      "default-deny must select every pod for ingress and egress")
ch = [d for d in policies.values()
      if d["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == "clickhouse"]
check(len(ch) == 1, "exactly one policy opens ClickHouse")
for d in ch:
    for rule in d["spec"].get("ingress", []):
        sources = rule.get("from", [])
        check(sources and all(s.get("podSelector", {}).get("matchLabels", {})
                              .get("app.kubernetes.io/name") == "infrasage" and
                              "namespaceSelector" not in s for s in sources),
              "ClickHouse ingress only from InfraSage pods")

with open(os.path.join(ROOT, "deploy", "docker", "Dockerfile")) as f:
    dockerfile = f.read()
check("USER 10001:10001" in dockerfile, "Dockerfile must run as uid 10001")

if failures:
    print("\n".join("FAIL: " + m for m in failures))
    sys.exit(1)
print(f"deploy manifests: {len(workloads)} workloads, {len(policies)} policies checked")
