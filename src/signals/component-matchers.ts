/**
 * Label matchers selecting a component's pods in cAdvisor (`container_*`) and kube-state-metrics
 * (`kube_pod_*`) series: both carry `namespace` and `pod`. Names follow the upstream charts. The kubelet is a host process, not a pod:
 * its signals are written out in default-signals.ts.
 */
export const DEFAULT_COMPONENT_MATCHERS: Readonly<Record<string, string>> = {
  coredns: 'namespace="kube-system", pod=~"coredns-.*"',
  'ingress-gateway': 'namespace="ingress-nginx", pod=~"ingress-nginx-controller-.*"',
  apiserver: 'namespace="kube-system", pod=~"kube-apiserver-.*"',
  etcd: 'namespace="kube-system", pod=~"etcd-.*"',
  cni: 'namespace="kube-system", pod=~"cilium-.*"',
  csi: 'namespace="kube-system", pod=~"csi-node-.*"',
  'service-mesh': 'namespace="istio-system", pod=~"istiod-.*"',
  'cert-manager': 'namespace="cert-manager", pod=~"cert-manager-.*"',
  'cluster-autoscaler': 'namespace="kube-system", pod=~"cluster-autoscaler-.*"',
  'metrics-server': 'namespace="kube-system", pod=~"metrics-server-.*"',
  workload: 'namespace="apps"',
};
