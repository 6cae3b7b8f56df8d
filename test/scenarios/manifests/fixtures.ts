/** Manifest objects the per-kind import tests build on. */

/** Deployment/web: 4 replicas of app=web, one container with a readiness probe; `extra` adds to its spec. */
export function webDeployment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:2', readinessProbe: { periodSeconds: 2 } }] } },
      ...extra,
    },
  };
}
