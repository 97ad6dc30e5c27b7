import type { FastifyInstance } from 'fastify';
import type { Service } from '../service/service.js';
import type { RouteDoc } from './route.js';

/** Reads shaped for the web dashboard's views (many monitors at once, from the rollups). */
export function dashboardRoutes(_app: FastifyInstance, _docs: RouteDoc[], _service: Service): void {}
