/**
 * Renders every overlay with `kubectl kustomize` (Debian's kubernetes-client, or KUBECTL) and
 * checks each object against the Kubernetes API types: the JSON Schemas generated from the
 * Kubernetes OpenAPI that the `kubernetes-models` packages ship (required fields, types, enums;
 * KEDA and Karpenter from their CRDs), and, for built-in kinds, no field unknown to the OpenAPI
 * models bundled in @kubernetes/client-node (a typo'd field would otherwise be dropped silently
 * by the API server). Then it checks what the gateway relies on.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as karpenter from '@kubernetes-models/karpenter/karpenter.sh/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { beforeEach, describe, expect, it } from 'vitest';
import { kubernetesConfigFromEnv } from '../src/workers/executors/kubernetes/config';
import { LABEL, MANAGED_BY } from '../src/workers/executors/kubernetes/job-spec';

const here = import.meta.dirname;
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** The models of every apiVersion the manifests use; a kind missing here fails the test. */
const MODELS: Record<string, Record<string, any>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'keda.sh/v1alpha1': keda,
  'karpenter.sh/v1': karpenter,
};
const BUILT_IN = new Set(['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1']);

const rendered = new Map<string, Obj[]>();

/** The overlay's objects; rendered inside each test, so that a missing kubectl fails tests (counted), not the file's collection. */
function render(dir: string): Obj[] {
  if (!rendered.has(dir)) rendered.set(dir, renderNow(dir));
  return structuredClone(rendered.get(dir)!);
}

function renderNow(dir: string): Obj[] {
  const out = spawnSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8' });
  if (out.error) {
    throw new Error(
      `kubectl is needed to render k8s/ (${(out.error as NodeJS.ErrnoException).code}): install Debian's kubernetes-client ` +
        '(`apt-get install -y kubernetes-client`; npm test does it when run as root) or point KUBECTL at a kubectl binary',
    );
  }
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${out.stderr}`);
  return k8s.loadAllYaml(out.stdout).filter(Boolean) as Obj[];
}

/** Fields of `value` that the client's OpenAPI model of `type` does not have. */
function unknownFields(value: unknown, type: string, at: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return (value as unknown[]).flatMap((v, i) => unknownFields(v, array[1], `${at}[${i}]`));
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as object).flatMap(([k, v]) => unknownFields(v, map[1], `${at}.${k}`));
  const model = (k8s as Record<string, any>)[type];
  if (!model?.getAttributeTypeMap || typeof value !== 'object') return [];
  const attrs = new Map<string, string>(model.getAttributeTypeMap().map((a: { baseName: string; type: string }) => [a.baseName, a.type]));
  return Object.entries(value as object).flatMap(([k, v]) => (attrs.has(k) ? unknownFields(v, attrs.get(k)!, `${at}.${k}`) : [`${at}.${k}`]));
}

/** What is wrong with one object, as API types see it. */
function problems(o: Obj): string[] {
  const where = `${o.kind}/${o.metadata?.name}`;
  if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster') {
    // CloudNativePG ships no schema package here: the fields its CRD requires, checked by hand.
    const p: string[] = [];
    if (!Number.isInteger(o.spec?.instances) || o.spec.instances < 1) p.push(`${where}: spec.instances must be an integer ≥ 1`);
    if (typeof o.spec?.storage?.size !== 'string') p.push(`${where}: spec.storage.size is required`);
    return p;
  }
  const model = MODELS[o.apiVersion]?.[o.kind];
  if (!model) return [`${where}: no API type for ${o.apiVersion} ${o.kind}`];
  // kustomize wraps a Secret's base64 at 70 columns; the API server's decoder skips the line breaks.
  const body = o.kind === 'Secret' && o.data ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s/g, '')])) } : o;
  try {
    new model(body).validate();
  } catch (e) {
    return [`${where}: ${(e as Error).message}`];
  }
  if (!BUILT_IN.has(o.apiVersion)) return [];
  const type = `V1${o.kind}`;
  if (!(k8s as Record<string, any>)[type]) return [`${where}: @kubernetes/client-node has no model ${type}`];
  return unknownFields(o, type, where).map((f) => `unknown field ${f}`);
}

const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} is missing`);
  return o;
};

describe('k8s/: kustomize overlays', () => {
  for (const overlay of ['dev', 'production']) {
    describe(overlay, () => {
      let objs: Obj[] = [];
      beforeEach(() => {
        objs = render(path.join(here, 'overlays', overlay));
      });
      const namespace = overlay === 'dev' ? 'model-gateway-dev' : 'model-gateway';

      it('renders objects that fit the Kubernetes API types', () => {
        expect(objs.length).toBeGreaterThan(10);
        expect(objs.flatMap(problems)).toEqual([]);
        for (const o of objs.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(namespace);
      });

      it('holds the web, the worker, the migration Job, KEDA scaling and the database', () => {
        for (const [kind, name] of [
          ['Deployment', 'gateway-web'],
          ['Service', 'gateway-web'],
          ['Ingress', 'gateway'],
          ['Deployment', 'gateway-worker'],
          ['Job', 'gateway-migrate'],
          ['ScaledObject', 'gateway-worker'],
          ['TriggerAuthentication', 'gateway-database'],
        ]) {
          find(objs, kind, name);
        }
        const scaled = find(objs, 'ScaledObject', 'gateway-worker');
        expect(scaled.spec.scaleTargetRef.name).toBe('gateway-worker');
        expect(scaled.spec.triggers[0]).toMatchObject({ type: 'postgresql', authenticationRef: { name: 'gateway-database' } });
        expect(scaled.spec.triggers[0].metadata.query).toMatch(/pgboss\.job .*name = 'task\.run'/);
        // Every consumer of the database reads the same secret, and KEDA too.
        const secret = overlay === 'dev' ? 'gateway-database' : 'gateway-db-app';
        const refs = ['gateway-web', 'gateway-worker'].map((n) => find(objs, 'Deployment', n).spec.template.spec.containers[0]);
        refs.push(find(objs, 'Job', 'gateway-migrate').spec.template.spec.containers[0]);
        for (const c of refs) expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: secret, key: 'uri' });
        expect(find(objs, 'TriggerAuthentication', 'gateway-database').spec.secretTargetRef).toEqual([{ parameter: 'connection', name: secret, key: 'uri' }]);
        if (overlay === 'dev') find(objs, 'Secret', 'gateway-database');
        else expect(find(objs, 'Cluster', 'gateway-db').spec.instances).toBe(3);
      });

      it('gives the executor least privilege: Jobs, Pods, their logs and events in its namespace', () => {
        const role = find(objs, 'Role', 'gateway-executor');
        expect(objs.some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toBe(false);
        expect(role.rules).toEqual([
          { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
        ]);
        expect(find(objs, 'RoleBinding', 'gateway-executor').subjects).toEqual([{ kind: 'ServiceAccount', name: 'gateway-worker', namespace }]);
        expect(find(objs, 'Deployment', 'gateway-worker').spec.template.spec.serviceAccountName).toBe('gateway-worker');
        expect(find(objs, 'ServiceAccount', 'model-runner').automountServiceAccountToken).toBe(false);
      });

      it('lets model pods reach only the web pods serving the task endpoint (and DNS)', () => {
        const policy = find(objs, 'NetworkPolicy', 'model-pods');
        // The labels the executor puts on every model pod.
        expect(policy.spec.podSelector.matchLabels).toEqual({ [LABEL.managedBy]: MANAGED_BY, [LABEL.component]: 'model-task' });
        expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(policy.spec.ingress).toEqual([]);
        const web = find(objs, 'Deployment', 'gateway-web').spec.template.metadata.labels;
        expect(policy.spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': web['app.kubernetes.io/name'] } } }], ports: [{ protocol: 'TCP', port: 3000 }] });
        expect(policy.spec.egress[1].ports.map((p: any) => p.port)).toEqual([53, 53]);
        expect(policy.spec.egress).toHaveLength(2);
      });

      it("configures the executor from the worker's config: a task URL on the web Service, valid cluster settings", async () => {
        const config = find(objs, 'ConfigMap', 'gateway-config').data;
        const service = find(objs, 'Service', 'gateway-web');
        expect(config.GATEWAY_K8S_TASK_URL).toBe(`http://${service.metadata.name}:${service.spec.ports[0].port}`);
        const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'k8s-config-')), 'kubernetes.yaml');
        await fs.writeFile(file, find(objs, 'ConfigMap', 'gateway-kubernetes').data['kubernetes.yaml']);
        const parsed = kubernetesConfigFromEnv({ GATEWAY_K8S_CONFIG: file, GATEWAY_K8S_TASK_URL: config.GATEWAY_K8S_TASK_URL });
        expect(parsed?.serviceAccount).toBe('model-runner');
        if (overlay === 'production') expect(parsed?.gpuPools.a100.nodeSelector).toEqual({ 'gpu.pool': 'a100' });
        const mount = find(objs, 'Deployment', 'gateway-worker').spec.template.spec.containers[0].volumeMounts[0].mountPath;
        expect(config.GATEWAY_K8S_CONFIG).toBe(`${mount}/kubernetes.yaml`);
      });
    });
  }

  it('catches a misspelt field, a missing required one and a wrong type', () => {
    const deployment = render(path.join(here, 'overlays', 'dev')).find((o) => o.kind === 'Deployment')!;
    const typo = structuredClone(deployment);
    typo.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(problems(typo)).toEqual(['unknown field Deployment/gateway-web.spec.template.spec.containers[0].imagePullPolcy']);
    const missing = structuredClone(deployment);
    delete missing.spec.selector;
    expect(problems(missing).join()).toMatch(/must have required property selector/);
    const wrong = structuredClone(deployment);
    wrong.spec.replicas = 'two';
    expect(problems(wrong).join()).toMatch(/replicas must be integer/);
  });

  it('has a GPU node pool example that fits the Karpenter API and the production GPU pool mapping', () => {
    const [pool] = k8s.loadAllYaml(readFileSync(path.join(here, 'examples', 'gpu-nodepool.yaml'), 'utf8')) as Obj[];
    expect(problems(pool)).toEqual([]);
    expect(pool.spec.template.metadata.labels).toEqual({ 'gpu.pool': 'a100' });
  });
});
