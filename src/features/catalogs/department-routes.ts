import { Type } from 'typebox';
import { auditActorOf } from '../../http/request-context.js';
import { DeletedResponse, IdParams, StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import type { DepartmentRow, DiseaseRow } from './catalog-repository.js';
import {
  DepartmentSchema,
  DepartmentTreeSchema,
  DiseaseCreateBody,
  DiseaseSchema,
  DiseaseUpdateBody,
  IncludeInactiveQuery,
  NamedEntryCreateBody,
  NamedEntryUpdateBody,
} from './schemas.js';
import type { CatalogService } from './service.js';
import { catalogValuesFrom, rowOfKind, toWireDepartment, toWireDisease } from './wire.js';

const TAG = 'staff: catalogs';
const DELETE_RULE = 'Refused with 409 while anything refers to the entry (deactivate it instead with is_active=false).';

/** Departments and their diseases: a two-level tree. */
export function registerDepartmentRoutes(app: TypedApp, service: CatalogService): void {
  app.get('/departments', {
    schema: {
      tags: [TAG],
      summary: 'Departments with their diseases (two-level tree), in list order',
      description:
        'Without include_inactive, deactivated departments and diseases are left out (what new records may use).',
      querystring: IncludeInactiveQuery,
      response: withErrors(
        'staff',
        { 200: Type.Object({ departments: Type.Array(DepartmentTreeSchema) }) },
        [400, 401, 403],
      ),
    },
    config: { access: 'catalogs:view' },
    handler: async (request) => ({
      departments: (await service.departmentTree(request.query.include_inactive)).map(({ department, diseases }) => ({
        ...toWireDepartment(department),
        diseases: diseases.map(toWireDisease),
      })),
    }),
  });

  app.post('/departments', {
    schema: {
      tags: [TAG],
      summary: 'Create a department -> 201 {department}',
      body: NamedEntryCreateBody,
      response: withErrors('staff', { 201: Type.Object({ department: DepartmentSchema }) }, [400, 401, 403, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request, reply) => {
      const { name, ...rest } = catalogValuesFrom(request.body);
      const row = await service.create('department', { ...rest, name: name ?? '' }, auditActorOf(request));
      return reply.code(201).send({ department: toWireDepartment(rowOfKind<DepartmentRow>(row)) });
    },
  });

  app.patch('/departments/:id', {
    schema: {
      tags: [TAG],
      summary: 'Rename, reorder, activate or deactivate a department',
      params: IdParams,
      body: NamedEntryUpdateBody,
      response: withErrors('staff', { 200: Type.Object({ department: DepartmentSchema }) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => ({
      department: toWireDepartment(
        rowOfKind<DepartmentRow>(
          await service.update('department', request.params.id, catalogValuesFrom(request.body), auditActorOf(request)),
        ),
      ),
    }),
  });

  app.delete('/departments/:id', {
    schema: {
      tags: [TAG],
      summary: 'Delete a department without diseases or doctors',
      description: DELETE_RULE,
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => {
      await service.delete('department', request.params.id, auditActorOf(request));
      return { deleted: true, id: String(request.params.id) };
    },
  });

  app.post('/diseases', {
    schema: {
      tags: [TAG],
      summary: 'Create a disease in a department -> 201 {disease}',
      body: DiseaseCreateBody,
      response: withErrors('staff', { 201: Type.Object({ disease: DiseaseSchema }) }, [400, 401, 403, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request, reply) => {
      const { name, ...rest } = catalogValuesFrom(request.body);
      const row = await service.create('disease', { ...rest, name: name ?? '' }, auditActorOf(request));
      return reply.code(201).send({ disease: toWireDisease(rowOfKind<DiseaseRow>(row)) });
    },
  });

  app.patch('/diseases/:id', {
    schema: {
      tags: [TAG],
      summary: 'Rename, reorder, move to another department, activate or deactivate a disease',
      params: IdParams,
      body: DiseaseUpdateBody,
      response: withErrors('staff', { 200: Type.Object({ disease: DiseaseSchema }) }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => ({
      disease: toWireDisease(
        rowOfKind<DiseaseRow>(
          await service.update('disease', request.params.id, catalogValuesFrom(request.body), auditActorOf(request)),
        ),
      ),
    }),
  });

  app.delete('/diseases/:id', {
    schema: {
      tags: [TAG],
      summary: 'Delete a disease no patient refers to',
      description: DELETE_RULE,
      params: IdParams,
      body: StaffTokenOnly,
      response: withErrors('staff', { 200: DeletedResponse }, [400, 401, 403, 404, 409]),
    },
    config: { access: 'catalogs:manage' },
    handler: async (request) => {
      await service.delete('disease', request.params.id, auditActorOf(request));
      return { deleted: true, id: String(request.params.id) };
    },
  });
}
