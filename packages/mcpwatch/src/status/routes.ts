import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from '../api/route.js';
import type { Service } from '../service/service.js';

/** Public status pages, their badges and feeds, and the API that manages them and maintenance windows. */
export function statusRoutes(_app: FastifyInstance, _docs: RouteDoc[], _service: Service): void {}
