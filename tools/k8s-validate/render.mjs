// Renders a kustomization offline (the subset deploy/k8s uses) and validates every object against the Kubernetes
// API schemas bundled in kubernetes-models. No network, no kubectl.
//   node render.mjs DIR            -> the rendered objects as a JSON array on stdout
//   node render.mjs --validate DIR -> also validates each; exit 1 naming every invalid object
// Supported: resources (files and directories with a kustomization.yaml), namespace, configMapGenerator (literals,
// with generatorOptions.disableNameSuffixHash: true), images (newName/newTag) and replicas. Anything else is refused.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const supported = new Set(["apiVersion", "kind", "resources", "namespace", "configMapGenerator", "generatorOptions", "images", "replicas"]);
const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"]);

function render(dir) {
  const file = ["kustomization.yaml", "kustomization.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const k = YAML.parse(fs.readFileSync(file, "utf8"));
  for (const key of Object.keys(k)) if (!supported.has(key)) throw new Error(`${file}: '${key}' is not supported by this renderer`);
  let objects = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    if (fs.statSync(p).isDirectory()) objects.push(...render(p));
    else for (const doc of YAML.parseAllDocuments(fs.readFileSync(p, "utf8"))) {
      if (doc.errors.length) throw new Error(`${p}: ${doc.errors[0].message}`);
      const o = doc.toJSON();
      if (o) objects.push(o);
    }
  }
  for (const g of k.configMapGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${file}: configMapGenerator needs generatorOptions.disableNameSuffixHash: true here`);
    const data = {};
    for (const l of g.literals ?? []) { const i = l.indexOf("="); data[l.slice(0, i)] = l.slice(i + 1); }
    objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: g.name }, data });
  }
  for (const img of k.images ?? []) {
    for (const c of objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])) {
      const [name] = c.image.split(":");
      if (name === img.name) c.image = `${img.newName ?? name}:${img.newTag ?? c.image.split(":")[1] ?? "latest"}`;
    }
  }
  for (const rep of k.replicas ?? []) {
    const target = objects.find((o) => o.metadata?.name === rep.name && o.spec?.replicas !== undefined);
    if (!target) throw new Error(`${file}: replicas names '${rep.name}', which is not rendered`);
    target.spec.replicas = rep.count;
  }
  if (k.namespace) {
    for (const o of objects) {
      if (!clusterScoped.has(o.kind)) o.metadata.namespace = k.namespace;
      for (const s of o.kind === "RoleBinding" ? o.subjects ?? [] : []) if (s.kind === "ServiceAccount") s.namespace = k.namespace;
    }
  }
  return objects;
}

const args = process.argv.slice(2);
const validate = args[0] === "--validate";
const dir = validate ? args[1] : args[0];
const objects = render(dir);
let bad = 0;
if (validate) {
  for (const o of objects) {
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
    const mod = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
    try {
      const K = (await import(mod))[o.kind];
      if (!K) throw new Error(`unknown kind in ${o.apiVersion}`);
      new K(o).validate();
    } catch (e) {
      console.error(`${o.kind} ${o.metadata?.name}: ${e.message.split("\n").slice(0, 3).join(" | ")}`);
      bad++;
    }
  }
  console.error(`${dir}: ${objects.length} objects, ${bad} invalid`);
}
process.stdout.write(JSON.stringify(objects));
process.exit(bad ? 1 : 0);
