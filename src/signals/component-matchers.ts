import { promqlSyntaxError } from './promql-syntax.js';

/**
 * Label matchers selecting a component's pods in cAdvisor (`container_*`) and kube-state-metrics
 * (`kube_pod_*`) series: both carry `namespace` and `pod`. Names follow the upstream charts; the CNI
 * and CSI node plugins differ by cloud and distribution, so theirs list the common ones. The kubelet
 * is a host process, not a pod: its signals are written out in default-signals.ts. The config's
 * `components` section replaces an entry or adds a component (componentMatchersOf).
 */
export const DEFAULT_COMPONENT_MATCHERS: Readonly<Record<string, string>> = {
  coredns: 'namespace="kube-system", pod=~"coredns-.*"',
  'ingress-gateway': 'namespace="ingress-nginx", pod=~"ingress-nginx-controller-.*"',
  apiserver: 'namespace="kube-system", pod=~"kube-apiserver-.*"',
  etcd: 'namespace="kube-system", pod=~"etcd-.*"',
  // Cilium, Calico (calico-node, canal), Amazon VPC CNI (aws-node), Flannel, Weave, Antrea, GKE Dataplane V2 (anetd), Azure CNS
  cni: 'namespace=~"kube-system|calico-system|kube-flannel", pod=~"(cilium|calico-node|canal|aws-node|kube-flannel-ds|weave-net|antrea-agent|anetd|azure-cns)-.*"',
  // node plugins: ebs-/efs-csi-node (EKS), pdcsi-node (GKE), csi-azuredisk-node (AKS), vsphere-csi-node, csi-rbdplugin (Rook), longhorn-csi-plugin
  csi: 'namespace=~"kube-system|rook-ceph|longhorn-system|vmware-system-csi", pod=~".*csi.*-(node|plugin|rbdplugin|cephfsplugin)-.*"',
  'service-mesh': 'namespace="istio-system", pod=~"istiod-.*"',
  'cert-manager': 'namespace="cert-manager", pod=~"cert-manager-.*"',
  'cluster-autoscaler': 'namespace="kube-system", pod=~"cluster-autoscaler-.*"',
  'metrics-server': 'namespace="kube-system", pod=~"metrics-server-.*"',
  workload: 'namespace="apps"',
};

/**
 * Network devices that are not a node's own NIC: loopback, pod veths (Calico cali*, Cilium lxc*,
 * Amazon VPC CNI eni*, GKE gke*, Azure azv*), bridges, overlays and tunnels. Node NICs are named
 * eth0 on some images and ens5, enp0s3 or eno1 on others, so the NIC is what is left.
 */
const VIRTUAL_DEVICES = 'lo|veth.*|cali.*|lxc.*|cilium_.*|eni.*|gke.*|azv.*|antrea-.*|vxlan.*|flannel.*|cni.*|cbr0|docker.*|br-.*|virbr.*|genev_sys_.*|tunl.*|tun.*|kube-ipvs.*|kube-bridge|nodelocaldns|weave|datapath|vethwe.*|ovs-.*|dummy.*';

/** `device!~"…"` (node-exporter) or `interface!~"…"` (cAdvisor): a node's NICs, not its virtual devices. */
export function nicMatcher(label: 'device' | 'interface'): string {
  return `${label}!~"${VIRTUAL_DEVICES}"`;
}

/** Lower-case words joined by '-', as the built-in ids are: used in recording-rule names and findings. */
export const COMPONENT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The built-in matchers with the config's `components` entries over them. */
export function componentMatchersOf(configured: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  return configured && Object.keys(configured).length > 0 ? { ...DEFAULT_COMPONENT_MATCHERS, ...configured } : DEFAULT_COMPONENT_MATCHERS;
}

/** What a component's matchers look like, for errors. */
export const COMPONENT_MATCHERS_EXAMPLE = 'namespace="kube-system", pod=~"coredns-.*"';

/**
 * What is wrong with a configured matcher list (`namespace="x", pod=~"y-.*"`, no braces), or undefined:
 * braces, its PromQL syntax inside a selector, and each regex (Prometheus anchors it; RE2 is close to
 * what a JavaScript RegExp accepts for these). Short enough to follow the example in parentheses.
 */
export function componentMatcherProblem(matcher: string): string | undefined {
  if (/[{}]/.test(matcher)) return 'no braces';
  const syntax = promqlSyntaxError(`up{${matcher}}`);
  if (syntax) return `syntax error: ${syntax}`;
  for (const [, label, value] of matcher.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*[=!]~\s*"((?:[^"\\]|\\.)*)"/g)) {
    let pattern: string;
    try {
      pattern = JSON.parse(`"${value}"`) as string;
    } catch {
      continue; // an escape JSON lacks (\a, \x41, octal): the syntax check passed it, the regex is left to Prometheus
    }
    try {
      new RegExp(`^(?:${pattern})$`);
    } catch (err) {
      return `the regex of ${label} does not compile: ${(err as Error).message}`;
    }
  }
  return undefined;
}
