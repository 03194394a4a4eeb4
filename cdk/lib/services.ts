/**
 * What runs where: one entry per deployable image, shared by the CDK stacks, the
 * tests and the documentation. The names match the cargo packages (`ycyw-<name>`)
 * and the targets of docker/rust.Dockerfile.
 */

/** The HTTP functions deployed as ECS services behind the ALB. */
export type FunctionName = 'auth' | 'catalog' | 'reservations' | 'payments' | 'support';

export interface FunctionSpec {
  readonly name: FunctionName;
  /** cargo package / binary name, also the Dockerfile target. */
  readonly binary: string;
  /** Container CPU units (1024 = one vCPU) and hard memory limit. */
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Seconds the ALB keeps a deregistering target (longer for WebSockets). */
  readonly drainSeconds: number;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'auth', binary: 'ycyw-auth', cpu: 256, memoryLimitMiB: 512, minTasks: 2, maxTasks: 6, drainSeconds: 30 },
  { name: 'catalog', binary: 'ycyw-catalog', cpu: 256, memoryLimitMiB: 512, minTasks: 2, maxTasks: 6, drainSeconds: 30 },
  { name: 'reservations', binary: 'ycyw-reservations', cpu: 256, memoryLimitMiB: 512, minTasks: 2, maxTasks: 8, drainSeconds: 30 },
  { name: 'payments', binary: 'ycyw-payments', cpu: 256, memoryLimitMiB: 512, minTasks: 2, maxTasks: 6, drainSeconds: 30 },
  { name: 'support', binary: 'ycyw-support', cpu: 256, memoryLimitMiB: 512, minTasks: 2, maxTasks: 6, drainSeconds: 60 },
];

/** Port of every function container (`PORT`). */
export const FUNCTION_PORT = 8080;
/** Port of the worker's health server (`HEALTH_PORT`). */
export const WORKER_HEALTH_PORT = 8081;
/** Port of the SPA's web server (nginx-unprivileged). */
export const FRONTEND_PORT = 8080;

/** Images pushed to ECR by CI: the five functions, the worker and the SPA. */
export const IMAGES = [...FUNCTIONS.map((f) => f.name), 'worker', 'frontend'] as const;

/**
 * ALB path rules, evaluated by ascending priority (first match wins; anything else goes
 * to the frontend). ALB path patterns are case-sensitive globs where `*` matches any
 * characters, `/` included. More specific routes that cross module prefixes come first.
 */
export interface RouteRule {
  readonly priority: number;
  readonly target: FunctionName;
  /** At most 5 values per rule (ALB limit). */
  readonly paths: readonly string[];
}

export const ROUTES: readonly RouteRule[] = [
  // An agency's day list belongs to reservations, although it sits under /agencies.
  { priority: 10, target: 'reservations', paths: ['/api/v1/agencies/*/reservations', '/api/v1/agencies/*/reservations/*'] },
  // Checkout and payment history of a reservation belong to payments.
  { priority: 20, target: 'payments', paths: ['/api/v1/reservations/*/checkout-sessions', '/api/v1/reservations/*/checkout-sessions/*', '/api/v1/reservations/*/payments', '/api/v1/reservations/*/payments/*'] },
  // Every function serves the whole product's OpenAPI document; auth answers for all.
  { priority: 30, target: 'auth', paths: ['/api/v1/auth/*', '/api/v1/users/*', '/api/v1/openapi.json'] },
  { priority: 40, target: 'catalog', paths: ['/api/v1/agencies', '/api/v1/agencies/*', '/api/v1/vehicle-categories*', '/api/v1/vehicles/*'] },
  { priority: 50, target: 'reservations', paths: ['/api/v1/offers', '/api/v1/offers/*', '/api/v1/reservations', '/api/v1/reservations/*'] },
  { priority: 60, target: 'payments', paths: ['/api/v1/payments/*'] },
  // Includes the WebSocket upgrade GET /api/v1/support/ws (ALB forwards WebSockets natively).
  { priority: 70, target: 'support', paths: ['/api/v1/support/*'] },
];
