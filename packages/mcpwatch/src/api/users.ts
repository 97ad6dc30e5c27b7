/** Users, for admins: list, add, change role or password, remove. Sign-in itself is in auth.ts. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROLES } from '../auth/roles.js';
import { addUser, changePassword, changeRole, removeUser } from '../auth/users.js';
import type { Role, User } from '../store/index.js';
import {
  type AccountRouteDeps,
  fromUserError,
  idParams,
  password,
  principalOf,
  sessionHashOf,
  userName,
} from './auth.js';
import { type RouteDoc, route } from './route.js';

const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const userBody = z.strictObject({ name: userName, password, role: role.optional() });
const userPatch = z
  .strictObject({ role: role.optional(), password: password.optional() })
  .refine((p) => p.role !== undefined || p.password !== undefined, {
    error: 'give a role, a password or both',
  });

export function userRoutes(app: FastifyInstance, docs: RouteDoc[], { store, now }: AccountRouteDeps): void {
  route(app, docs, {
    method: 'GET',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Every user',
    role: 'admin',
    responses: { 200: '{ users: User[] }' },
    handler: async () => ({ users: await store.listUsers() }),
  });

  route(app, docs, {
    method: 'POST',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Add a user (viewer unless a role is given)',
    role: 'admin',
    body: userBody,
    responses: { 201: '{ user }', 400: 'Invalid field', 409: 'Name taken' },
    handler: async ({ body, request }, reply) => {
      const role: Role = body.role ?? 'viewer';
      const user = await addUser(store, { ...body, role }, now()).catch((e) => {
        throw fromUserError(e);
      });
      request.log.info({ user: user.name, role: user.role, by: principalOf(request).name }, 'user added');
      return reply.code(201).send({ user });
    },
  });

  route(app, docs, {
    method: 'PATCH',
    url: '/api/v1/users/:id',
    tag: 'users',
    summary: "Change a user's role, password or both; a new password ends their sessions",
    role: 'admin',
    params: idParams,
    body: userPatch,
    responses: {
      200: '{ user }',
      400: 'Invalid field',
      404: 'No such user',
      409: 'Would leave no admin',
    },
    handler: async ({ body: patch, params: { id }, request }) => {
      const principal = principalOf(request);
      let user: User | undefined;
      try {
        if (patch.role !== undefined) user = await changeRole(store, id, patch.role, now());
        if (patch.password !== undefined) {
          const keep = principal.userId === id ? sessionHashOf(request) : undefined;
          user = await changePassword(store, id, patch.password, now(), keep);
        }
      } catch (error) {
        throw fromUserError(error);
      }
      request.log.info({ user: user?.name, changed: Object.keys(patch), by: principal.name }, 'user changed');
      return { user };
    },
  });

  route(app, docs, {
    method: 'DELETE',
    url: '/api/v1/users/:id',
    tag: 'users',
    summary: 'Remove a user, with their sessions and API tokens',
    role: 'admin',
    params: idParams,
    responses: { 204: 'Removed', 400: 'Invalid id', 404: 'No such user', 409: 'The last admin' },
    handler: async ({ params: { id }, request }, reply) => {
      await removeUser(store, id).catch((e) => {
        throw fromUserError(e);
      });
      request.log.info({ userId: id, by: principalOf(request).name }, 'user removed');
      return reply.code(204).send();
    },
  });
}
