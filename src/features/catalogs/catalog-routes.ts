import { type TSchema, Type } from 'typebox';
import { auditActorOf } from '../../http/request-context.js';
import { DeletedResponse, IdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { CatalogRow, DoctorRow } from './catalog-repository.js';
import {
  AdvisoryWayCreateBody,
  AdvisoryWaySchema,
  AdvisoryWayUpdateBody,
  ChannelSchema,
  DoctorCreateBody,
  DoctorListQuery,
  DoctorSchema,
  DoctorUpdateBody,
  IncludeInactiveQuery,
  NamedEntryCreateBody,
  NamedEntryUpdateBody,
} from './schemas.js';
import type { CatalogService } from './service.js';
import { catalogValuesFrom, rowOfKind, toWireAdvisoryWay, toWireChannel, toWireDoctor } from './wire.js';

const TAG = 'staff: catalogs';
const DELETE_RULE =
  'Refused with 409 while any patient (or other record) refers to the entry: deactivate it instead with is_active=false.';

interface NamedListSpec {
  kind: 'channel' | 'advisory_way';
  bodies: { create: typeof NamedEntryCreateBody; update: typeof NamedEntryUpdateBody };
  path: string;
  singular: string;
  plural: string;
  schema: TSchema;
  toWire: (row: CatalogRow) => unknown;
  list: (includeInactive: boolean) => Promise<CatalogRow[]>;
  notes: string;
}

/** Channels and advisory ways: a flat list of names with the same routes. */
function registerNamedList(app: TypedApp, service: CatalogService, spec: NamedListSpec): void {
  const single = (schema: TSchema) => Type.Object({ [spec.singular]: schema });
  app.get(spec.path, {
    schema: {
      tags: [TAG],
      summary: `${spec.plural} in list order`,
      description: `Without include_inactive only active entries (what new records may use). ${spec.notes}`,
      querystring: IncludeInactiveQuery,
      response: withErrors('staff', { 200: Type.Object({ [spec.plural]: Type.Array(spec.schema) }) }, [400, 401, 403]),
    },
    config: { access: 'catalogs:view' },
    handler: async (request) => ({ [spec.plural]: (await spec.list(request.query.include_inactive)).map(spec.toWire) }),
  });

  app.post(spec.path, {
    schema: {
      tags: [TAG],
      summary: `Create a ${spec.singular} -> 201 {${spec.singular}}`,
      body: spec.bodies.create,
      response: withErrors('staff', { 201: single(spec.schema) }, [400, 401, 403, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request, reply) => {
      const row = await service.create(
        spec.kind,
        { ...catalogValuesFrom(request.body), name: request.body.name },
        auditActorOf(request),
      );
      return reply.code(201).send({ [spec.singular]: spec.toWire(row) });
    },
  });

  app.patch(`${spec.path}/:id`, {
    schema: {
      tags: [TAG],
      summary: `Rename, reorder, activate or deactivate a ${spec.singular}`,
      description: spec.notes,
      params: IdParams,
      body: spec.bodies.update,
      response: withErrors('staff', { 200: single(spec.schema) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => ({
      [spec.singular]: spec.toWire(
        await service.update(spec.kind, request.params.id, catalogValuesFrom(request.body), auditActorOf(request)),
      ),
    }),
  });

  app.delete(`${spec.path}/:id`, {
    schema: {
      tags: [TAG],
      summary: `Delete a ${spec.singular}`,
      description: DELETE_RULE,
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => {
      await service.delete(spec.kind, request.params.id, auditActorOf(request));
      return { deleted: true, id: String(request.params.id) };
    },
  });
}

export function registerCatalogListRoutes(app: TypedApp, service: CatalogService): void {
  app.get('/doctors', {
    schema: {
      tags: [TAG],
      summary: 'Doctors in list order, optionally of one department',
      querystring: DoctorListQuery,
      response: withErrors('staff', { 200: Type.Object({ doctors: Type.Array(DoctorSchema) }) }, [400, 401, 403]),
    },
    config: { access: 'catalogs:view' },
    handler: async (request) => ({
      doctors: (
        await service.repository.listDoctors({
          includeInactive: request.query.include_inactive,
          departmentId: request.query.department_id,
        })
      ).map(toWireDoctor),
    }),
  });

  app.post('/doctors', {
    schema: {
      tags: [TAG],
      summary: 'Create a doctor -> 201 {doctor}',
      body: DoctorCreateBody,
      response: withErrors('staff', { 201: Type.Object({ doctor: DoctorSchema }) }, [400, 401, 403]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request, reply) => {
      const row = await service.create(
        'doctor',
        { ...catalogValuesFrom(request.body), name: request.body.name },
        auditActorOf(request),
      );
      return reply.code(201).send({ doctor: toWireDoctor(rowOfKind<DoctorRow>(row)) });
    },
  });

  app.patch('/doctors/:id', {
    schema: {
      tags: [TAG],
      summary: 'Edit a doctor (name, department, title, specialty, order, active)',
      params: IdParams,
      body: DoctorUpdateBody,
      response: withErrors('staff', { 200: Type.Object({ doctor: DoctorSchema }) }, [400, 401, 403, 404]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => ({
      doctor: toWireDoctor(
        rowOfKind<DoctorRow>(
          await service.update('doctor', request.params.id, catalogValuesFrom(request.body), auditActorOf(request)),
        ),
      ),
    }),
  });

  app.delete('/doctors/:id', {
    schema: {
      tags: [TAG],
      summary: 'Delete a doctor no patient or visit refers to',
      description: DELETE_RULE,
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => {
      await service.delete('doctor', request.params.id, auditActorOf(request));
      return { deleted: true, id: String(request.params.id) };
    },
  });

  registerNamedList(app, service, {
    kind: 'channel',
    bodies: { create: NamedEntryCreateBody, update: NamedEntryUpdateBody },
    path: '/channels',
    singular: 'channel',
    plural: 'channels',
    schema: ChannelSchema,
    toWire: (row) => toWireChannel(rowOfKind(row)),
    list: (includeInactive) => service.repository.listChannels(includeInactive),
    notes: 'The channel with systemKey portal_self_registration (患者端自助注册) cannot be renamed or deleted (409).',
  });
  registerNamedList(app, service, {
    kind: 'advisory_way',
    bodies: { create: AdvisoryWayCreateBody, update: AdvisoryWayUpdateBody },
    path: '/advisory-ways',
    singular: 'advisoryWay',
    plural: 'advisoryWays',
    schema: AdvisoryWaySchema,
    toWire: (row) => toWireAdvisoryWay(rowOfKind(row)),
    list: (includeInactive) => service.repository.listAdvisoryWays(includeInactive),
    notes:
      'Patients store the advisory way by name: renaming one renames it on their records too, in the same transaction.',
  });
}
