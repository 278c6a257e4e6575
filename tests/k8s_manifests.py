"""What tests/k8s-config.sh asks of the rendered deploy/k8s: every endpoint of
handlers/pools.conf deployed, served, scaled, protected and routed to; every
pod hardened and probed; no secret value in the manifests.
  k8s_manifests.py REPO RENDERED_YAML NGINX_CONF SERVICE_DOMAIN"""
import re
import sys

import yaml

repo, rendered, nginx_conf, domain = sys.argv[1:5]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
problems = []


def need(ok, what):
    if not ok:
        problems.append(what)


def pool_counts():
    pools = {}
    for line in open(f"{repo}/handlers/pools.conf"):
        f = line.split()
        if f and not f[0].startswith("#"):
            pools[f[0]] = int(f[1])
    return pools


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def env_of(container):
    return {e["name"]: e for e in container.get("env", [])}


def check_hardened(name, pod):
    need(pod.get("securityContext", {}).get("runAsNonRoot") is True, f"{name}: runAsNonRoot")
    for c in pod.get("initContainers", []) + pod["containers"]:
        sc = c.get("securityContext", {})
        need(sc.get("readOnlyRootFilesystem") is True, f"{name}/{c['name']}: readOnlyRootFilesystem")
        need(sc.get("allowPrivilegeEscalation") is False, f"{name}/{c['name']}: allowPrivilegeEscalation")
        need(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{name}/{c['name']}: drop ALL")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                need(r in res.get(kind, {}), f"{name}/{c['name']}: resources.{kind}.{r}")


def check_scaled(name, deployment):
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    need(selects(deployment["spec"]["selector"]["matchLabels"], labels), f"{name}: selector")
    hpa = by_kind.get("HorizontalPodAutoscaler", {}).get(name)
    need(hpa is not None and hpa["apiVersion"] == "autoscaling/v2", f"{name}: HPA autoscaling/v2")
    if hpa:
        need(hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
             f"{name}: HPA target")
        need(any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"].get("metrics", [])),
             f"{name}: HPA on CPU")
    pdb = by_kind.get("PodDisruptionBudget", {}).get(name)
    need(pdb is not None and selects(pdb["spec"]["selector"]["matchLabels"], labels), f"{name}: PDB")
    return labels, hpa


def check_endpoint(endpoint, pool_count, routed):
    name = endpoint.replace("_", "-")
    d = by_kind.get("Deployment", {}).get(name)
    if d is None:
        problems.append(f"{endpoint}: no Deployment {name}")
        return
    pod = d["spec"]["template"]["spec"]
    pool = pod["containers"][0]
    env = env_of(pool)
    need(env.get("ENDPOINT", {}).get("value") == endpoint, f"{name}: ENDPOINT={endpoint}")
    need(re.fullmatch(r"crud-service:[\w.-]+", pool["image"]) is not None, f"{name}: image crud-service:TAG")
    need(env.get("FCGI_WEB_SERVER_ADDRS", {}).get("value") == "any-restricted-by-networkpolicy",
         f"{name}: FCGI_WEB_SERVER_ADDRS opt-out (with the NetworkPolicy)")
    for probe in ("readinessProbe", "livenessProbe"):
        need(pool.get(probe, {}).get("exec", {}).get("command") == ["probe", "fastcgi"],
             f"{name}: {probe} runs `probe fastcgi`")
    need(any(c["image"] == pool["image"] and c.get("args") == ["crudctl", "migrate"]
             for c in pod.get("initContainers", [])), f"{name}: migrates first with its own image")
    check_hardened(name, pod)
    labels, hpa = check_scaled(name, d)
    need(hpa is not None and hpa["spec"]["minReplicas"] == pool_count,
         f"{name}: HPA minReplicas = {pool_count} pools")
    svc = by_kind.get("Service", {}).get(name)
    need(svc is not None and selects(svc["spec"]["selector"], labels), f"{name}: Service selecting its pods")
    if svc:
        need([p["port"] for p in svc["spec"]["ports"]] == [fcgi_port], f"{name}: Service port {fcgi_port}")
    if routed is not None:
        need(f"{name}.{domain}" in routed, f"{endpoint}: no nginx fastcgi_pass to {name}.{domain}")


# The FastCGI port nginx dials (deploy/docker/nginx-upstreams.conf's map).
fcgi_port = int(re.search(r"default\s+(\d+);", open(f"{repo}/deploy/docker/nginx-upstreams.conf").read())[1])
nginx_text = open(nginx_conf).read()
routed = set(re.findall(r"fastcgi_pass\s+([a-z0-9.-]+):\$crud_fcgi_port;", nginx_text)) if nginx_text else None
pools = pool_counts()
for endpoint, count in pools.items():
    check_endpoint(endpoint, count, routed)
if routed is not None:
    services = {f"{n}.{domain}" for n in by_kind.get("Service", {})}
    need(routed <= services, f"nginx routes to hosts with no Service: {sorted(routed - services)}")
endpoint_names = {e.replace("_", "-") for e in pools}
extra = {n for n, d in by_kind.get("Deployment", {}).items()
         if d["metadata"]["labels"].get("app.kubernetes.io/name") == "crud-pool"} - endpoint_names
need(not extra, f"Deployments of no endpoint of pools.conf: {sorted(extra)}")

# nginx: image, probes, hardening, scaling, Service and Ingress.
nginx = by_kind.get("Deployment", {}).get("nginx")
need(nginx is not None, "no nginx Deployment")
if nginx:
    pod = nginx["spec"]["template"]["spec"]
    c = pod["containers"][0]
    need(re.fullmatch(r"crud-nginx:[\w.-]+", c["image"]) is not None, "nginx: image crud-nginx:TAG")
    need(all(p in c for p in ("readinessProbe", "livenessProbe")), "nginx: probes")
    check_hardened("nginx", pod)
    nginx_labels, _ = check_scaled("nginx", nginx)
    svc = by_kind.get("Service", {}).get("nginx", {"spec": {"selector": {}, "ports": []}})
    need(selects(svc["spec"]["selector"], nginx_labels), "nginx: Service selecting its pods")
    ports = {p["name"]: p for p in svc["spec"]["ports"]}
    need({"http", "internal"} <= set(ports), "nginx: Service ports http and internal")
    ingress_backends = [p["backend"]["service"] for i in by_kind.get("Ingress", {}).values()
                        for r in i["spec"]["rules"] for p in r["http"]["paths"]]
    need({"name": "nginx", "port": {"name": "http"}} in ingress_backends, "no Ingress route to nginx:http")

# The pools publish to nginx's internal port through its Service.
config = next((d for n, d in by_kind.get("ConfigMap", {}).items() if n.startswith("crud-config")), None)
need(config is not None, "no ConfigMap crud-config")
if config and nginx:
    internal = [p["port"] for p in svc["spec"]["ports"] if p["name"] == "internal"]
    need(config["data"].get("EVENTS_PUBLISH_SOCKET") == f"nginx:{internal[0] if internal else ''}",
         "EVENTS_PUBLISH_SOCKET is not nginx's Service internal port")

# NetworkPolicies: the pools' FastCGI port from nginx only; nginx's internal port from the pools only.
def admitted(target, port):
    """Pod selectors allowed to reach pods labelled `target` on `port` (None: anyone)."""
    sources = []
    for p in by_kind.get("NetworkPolicy", {}).values():
        if not selects(p["spec"]["podSelector"].get("matchLabels", {}), target):
            continue
        for rule in p["spec"].get("ingress", []):
            if any(x.get("port") == port for x in rule.get("ports", [])) or not rule.get("ports"):
                sources += [f.get("podSelector", {}).get("matchLabels") for f in rule.get("from") or [{}]]
    return sources


need(admitted({"app.kubernetes.io/name": "crud-pool"}, fcgi_port) == [{"app.kubernetes.io/name": "crud-nginx"}],
     "NetworkPolicy: only nginx may reach the pools' FastCGI port")
need(admitted({"app.kubernetes.io/name": "crud-nginx"}, 8081) == [{"app.kubernetes.io/name": "crud-pool"}],
     "NetworkPolicy: only the pools may reach nginx's internal port")

# No secret values: no Secret rendered, secrets only through secretKeyRef to keys the example documents.
need("Secret" not in by_kind, "a Secret is rendered: the operator makes crud-secrets")
example_keys = set(yaml.safe_load(open(f"{repo}/deploy/k8s/secret.example.yaml"))["stringData"])
secret_like = re.compile(r"PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL")
for name, d in by_kind.get("Deployment", {}).items():
    pod = d["spec"]["template"]["spec"]
    for c in pod.get("initContainers", []) + pod["containers"]:
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if secret_like.search(e["name"]):
                need(ref is not None, f"{name}/{c['name']}: {e['name']} not from a Secret")
            if ref:
                need(ref["name"] == "crud-secrets" and ref["key"] in example_keys,
                     f"{name}/{c['name']}: {e['name']} refers to {ref} (not in secret.example.yaml)")
for name, cm in by_kind.get("ConfigMap", {}).items():
    for key, value in cm.get("data", {}).items():
        need(not secret_like.search(key), f"ConfigMap {name}: {key} looks secret")
        need(not re.search(r"://[^/@\s]*:[^/@\s]*@", value), f"ConfigMap {name}: {key} has credentials")

print("\n".join(problems) or f"k8s: {len(pools)} endpoints deployed, served, scaled and routed as pools.conf says")
sys.exit(1 if problems else 0)
