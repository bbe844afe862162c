// k8s_validate.mjs MANIFEST_DIR [EXTRACTED_CONFIG_OUT]
//
// Validates deploy/kubernetes: every object against the Kubernetes OpenAPI
// schemas (kubernetes-models' validators), then what the schemas cannot
// know: the probes, resources and Secret references the deployment docs
// promise, selectors that match, and the ConfigMap's mcphost.yaml naming the
// environment variables the Deployment sets. Writes that mcphost.yaml to
// EXTRACTED_CONFIG_OUT (for `mcp-host check-config`). Exit 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as networking from "kubernetes-models/networking.k8s.io/v1";

const dir = process.argv[2];
const configOut = process.argv[3];
const models = { v1: core, "apps/v1": apps, "autoscaling/v2": autoscaling, "networking.k8s.io/v1": networking };
let failures = 0;
const check = (what, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAIL"}: ${what}${ok || !detail ? "" : ` (${detail})`}`);
  if (!ok) failures++;
};

const objects = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) {
    check(`${file} parses`, doc.errors.length === 0, doc.errors.map(String).join("; "));
    const obj = doc.toJS();
    if (!obj) continue;
    if (obj.kind === "Kustomization") {
      for (const r of obj.resources || []) check(`kustomization lists an existing ${r}`, fs.existsSync(path.join(dir, r)));
      continue;
    }
    const Model = models[obj.apiVersion]?.[obj.kind];
    check(`${file}: ${obj.apiVersion} ${obj.kind} is a known Kubernetes type`, !!Model);
    if (!Model) continue;
    try {
      new Model(obj).validate();
      check(`${file}: ${obj.kind}/${obj.metadata?.name} validates against the OpenAPI schema`, true);
    } catch (e) {
      check(`${file}: ${obj.kind}/${obj.metadata?.name} validates against the OpenAPI schema`, false, e.message);
    }
    objects.push(obj);
  }
}

const find = (kind) => objects.find((o) => o.kind === kind);
const dep = find("Deployment");
const svc = find("Service");
const hpa = find("HorizontalPodAutoscaler");
const cm = find("ConfigMap");
const secret = find("Secret");
const ing = find("Ingress");
for (const [k, o] of Object.entries({ Deployment: dep, Service: svc, HorizontalPodAutoscaler: hpa, ConfigMap: cm, Secret: secret, Ingress: ing }))
  check(`a ${k} is present`, !!o);
if (failures) process.exit(1);

const pod = dep.spec.template;
const c = pod.spec.containers[0];
const sel = dep.spec.selector.matchLabels;
check("the Deployment's selector matches its pod labels", Object.entries(sel).every(([k, v]) => pod.metadata.labels[k] === v));
check("the Service selects the Deployment's pods", Object.entries(svc.spec.selector).every(([k, v]) => pod.metadata.labels[k] === v));
check("the HPA scales the Deployment", hpa.spec.scaleTargetRef.kind === "Deployment" && hpa.spec.scaleTargetRef.name === dep.metadata.name);
check("the HPA keeps at least 2 replicas", hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
check("liveness probe: GET /health", c.livenessProbe?.httpGet?.path === "/health");
check("readiness probe: GET /ready", c.readinessProbe?.httpGet?.path === "/ready");
const r = c.resources;
check("requests 512Mi / 500m, limits 1Gi / 1000m",
  r?.requests?.memory === "512Mi" && r?.requests?.cpu === "500m" && r?.limits?.memory === "1Gi" && r?.limits?.cpu === "1000m",
  JSON.stringify(r));
const portNames = (c.ports || []).map((p) => p.name);
check("the probes and the Service use a declared container port",
  [c.livenessProbe.httpGet.port, c.readinessProbe.httpGet.port, svc.spec.ports[0].targetPort].every((p) => portNames.includes(p) || (c.ports || []).some((q) => q.containerPort === p)));
check("the container runs as non-root with a read-only root filesystem",
  pod.spec.securityContext?.runAsNonRoot === true && c.securityContext?.readOnlyRootFilesystem === true &&
  c.securityContext?.allowPrivilegeEscalation === false);
const ingBackend = ing.spec.rules[0].http.paths[0].backend.service;
check("the Ingress routes to the Service", ingBackend.name === svc.metadata.name);
check("the Ingress hashes on Mcp-Session-Id (legacy affinity example)",
  ing.metadata.annotations?.["nginx.ingress.kubernetes.io/upstream-hash-by"] === "$http_mcp_session_id");

// The ConfigMap's config: the env variables it names come from the Secret.
const configText = cm.data?.["mcphost.yaml"];
check("the ConfigMap carries mcphost.yaml", typeof configText === "string");
const config = YAML.parse(configText);
const env = Object.fromEntries((c.env || []).map((e) => [e.name, e.valueFrom?.secretKeyRef]));
const keyEnv = config?.server?.request_state?.key_env;
const tokenEnv = config?.server?.http?.auth?.token_env;
check("server.request_state.key_env is set (replicas share the key)", !!keyEnv);
check("server.http.auth.token_env is set", !!tokenEnv);
for (const name of [keyEnv, tokenEnv]) {
  const ref = env[name];
  check(`${name} comes from the Secret`, ref?.name === secret.metadata.name && Object.hasOwn(secret.stringData || secret.data || {}, ref?.key),
    JSON.stringify(ref));
}
const mount = (c.volumeMounts || []).find((m) => m.mountPath === "/etc/mcphost");
const vol = mount && pod.spec.volumes.find((v) => v.name === mount.name);
check("the ConfigMap is mounted at /etc/mcphost", vol?.configMap?.name === cm.metadata.name);
check("the container reads /etc/mcphost/mcphost.yaml", (c.args || []).join(" ").includes("/etc/mcphost/mcphost.yaml"));
const grace = (config?.server?.http?.shutdown_grace_ms ?? 10000) / 1000;
check("the drain grace fits in terminationGracePeriodSeconds", grace < (pod.spec.terminationGracePeriodSeconds ?? 30));
if (configOut && configText) fs.writeFileSync(configOut, configText);

console.log(failures ? `kubernetes manifests: ${failures} check(s) failed` : "kubernetes manifests: all checks passed");
process.exit(failures ? 1 : 0);
